export type ProfileErrorCode =
  | 'not-found'
  | 'exists'
  | 'invalid-name'
  /** The profile breaks the schema (a wrong auth mode, an empty field, an unknown field). */
  | 'invalid'
  | 'secret-refused'
  /** The file was written by a newer aml-auth; it is left untouched. */
  | 'unsupported-version'
  | 'io';

const DEFAULT_HINTS: Record<ProfileErrorCode, string> = {
  'not-found': 'Run `aml-auth profiles list` to see the saved profiles.',
  exists:
    'Choose another name, or remove the existing profile first (`aml-auth profiles rm NAME`).',
  'invalid-name':
    'Use 1–64 letters, digits, dots, hyphens or underscores, starting with a letter or digit.',
  invalid: 'Save the setup again from the wizard; a profile must name a complete endpoint setup.',
  'secret-refused':
    'Profiles never hold keys, tokens or client secrets: fetch them with `aml-auth creds`, or pass a client secret through AZURE_CLIENT_SECRET.',
  'unsupported-version':
    'Upgrade aml-auth, or point AML_AUTH_CONFIG_DIR at another folder to keep a separate store.',
  io: 'Check that the profile folder exists and that you can read and write it, or set AML_AUTH_CONFIG_DIR to another folder.',
};

/**
 * A profile-store failure with a stable `code` and a next step. Messages name fields and paths,
 * never the values of secret-looking fields.
 */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  readonly hint: string;
  /** The profile file or folder involved, when there is one. */
  readonly path?: string;

  constructor(
    readonly code: ProfileErrorCode,
    message: string,
    options: {hint?: string; path?: string; cause?: unknown} = {},
  ) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause});
    this.hint = options.hint ?? DEFAULT_HINTS[code];
    if (options.path !== undefined) this.path = options.path;
  }

  /**
   * The command exit code (see source/commands/exit-codes.ts): a missing or bad profile is bad
   * input (2, as the exit-code table lists "missing profile"); an unusable file is 1.
   */
  get exitCode(): 1 | 2 {
    return this.code === 'io' ? 1 : 2;
  }
}

export function isProfileError(error: unknown, code?: ProfileErrorCode): error is ProfileError {
  return error instanceof ProfileError && (code === undefined || error.code === code);
}

/**
 * `aml-auth creds`: the current credential of an endpoint and its scoring URI — a key (key mode),
 * an Azure ML token (aml_token) or an Entra token for the ML audience (aad_token). The one command
 * that prints a secret on stdout; `--copy` puts it on the clipboard and prints only a confirmation.
 */
import type {ClipboardChannel} from '../lib/clipboard';
import {visible} from '../lib/visible';
import type {Endpoint, ScoringCredential} from '../domain/types';
import type {FetchedCredential, KeyChoice, Services} from '../domain/services';
import {CliError, ExitCode} from './exit-codes';
import {envLines, epochSeconds, rows, timePair, type Style} from './output';
import {
  connect,
  getEndpoint,
  learnEndpoint,
  loadTarget,
  rememberedEndpoint,
  resolveRef,
  registerSecret,
  runCommand,
  type CommonFlags,
  type LoadedTarget,
  type ResolvedEndpoint,
  type Runtime,
} from './runtime';
import {localTime, relative} from '../lib/time';

export type {FetchedCredential, KeyChoice};

export interface CredsFlags extends CommonFlags {
  which?: string;
  copy?: boolean;
}

/**
 * The credential a client of this endpoint sends (Services.scoringCredential), its secrets
 * registered for redaction; a key endpoint without the chosen key is a failure here.
 */
export async function fetchCredential(
  services: Services,
  endpoint: Endpoint,
  which: KeyChoice,
  signal: AbortSignal,
): Promise<FetchedCredential> {
  const fetched = await services.scoringCredential(endpoint, {which}, signal);
  registerSecret(fetched.keys?.primaryKey);
  registerSecret(fetched.keys?.secondaryKey);
  registerSecret(fetched.credential.value);
  if (fetched.credential.kind === 'key' && !fetched.credential.value) {
    throw new CliError(`endpoint ${endpoint.endpoint} has no ${which} key`, ExitCode.failure);
  }
  return fetched;
}

export interface OpenedCredential {
  resolved: ResolvedEndpoint;
  endpoint: Endpoint;
  fetched: FetchedCredential;
  /** The endpoint is the profile's memory, not read: its auth mode is what the profile says. */
  trusted: boolean;
}

/**
 * Sign-in, the endpoint and its credential in the fewest calls. From a profile that remembers the
 * endpoint's scoring URI, the endpoint is not read: the credential its remembered auth mode needs
 * is fetched directly (an aad_token endpoint makes no Resource Manager call at all). When that
 * call is refused, one read of the endpoint finds out whether its auth mode changed; if it did,
 * the right credential is fetched (and the profile learns the new mode), otherwise the refusal
 * stands. Without a remembered endpoint: read it, then fetch. `check` runs on the endpoint before
 * any credential is fetched.
 */
export async function openCredential(
  rt: Runtime,
  which: KeyChoice,
  options: {
    loaded?: LoadedTarget;
    check?: (endpoint: Endpoint, services: Services) => Promise<void> | void;
  } = {},
): Promise<OpenedCredential> {
  const loaded =
    options.loaded ?? (await loadTarget(rt, ['subscription', 'workspace', 'endpoint']));
  const remembered = rememberedEndpoint(loaded);
  const conn = await connect(rt, loaded.target, {
    dataPlaneOnly: remembered?.authMode === 'aad_token',
  });
  const resolved = await resolveRef(rt, conn);
  const {services} = resolved;
  if (remembered) {
    await options.check?.(remembered, services);
    try {
      const fetched = await fetchCredential(services, remembered, which, rt.signal);
      return {resolved, endpoint: remembered, fetched, trusted: true};
    } catch (err) {
      if (rt.interrupted || err instanceof CliError) throw err;
      // Refused: read the endpoint (its own failure, e.g. 404, is the one to report).
      const endpoint = await getEndpoint(rt, resolved);
      if (endpoint.authMode === remembered.authMode) throw err;
      rt.trace(
        `profile "${loaded.target.profileName}" remembers auth mode ${remembered.authMode}; the endpoint now uses ${endpoint.authMode}`,
      );
      learnEndpoint(rt, loaded, endpoint);
      await options.check?.(endpoint, services);
      return {
        resolved,
        endpoint,
        fetched: await fetchCredential(services, endpoint, which, rt.signal),
        trusted: false,
      };
    }
  }
  const endpoint = await getEndpoint(rt, resolved);
  learnEndpoint(rt, loaded, endpoint);
  await options.check?.(endpoint, services);
  const fetched = await fetchCredential(services, endpoint, which, rt.signal);
  return {resolved, endpoint, fetched, trusted: false};
}

export function parseWhich(value: string | undefined): KeyChoice {
  const v = (value ?? 'primary').toLowerCase();
  if (v === 'primary' || v === 'secondary') return v;
  throw new CliError(`--which '${value}' is not a key`, ExitCode.usage, 'use primary or secondary');
}

/** The documented JSON of `creds` (README, "JSON schemas"). */
export function credsJson(
  resolved: Pick<ResolvedEndpoint, 'target' | 'cloud'>,
  endpoint: Endpoint,
  fetched: FetchedCredential,
  copiedTo?: string,
) {
  const c = fetched.credential;
  const withValue = copiedTo === undefined;
  return {
    profile: resolved.target.profileName ?? null,
    cloud: resolved.cloud.name,
    subscriptionId: endpoint.subscriptionId,
    resourceGroup: endpoint.resourceGroup,
    workspace: endpoint.workspace,
    endpoint: endpoint.endpoint,
    authMode: endpoint.authMode,
    scoringUri: endpoint.scoringUri ?? null,
    // az ml online-endpoint get-credentials' own fields, so its --query lines carry over.
    ...azCredentialFields(fetched, withValue),
    credential: {
      kind: c.kind,
      which: c.which ?? null,
      ...(withValue ? {value: c.value} : {}),
      ...timePair('expiresOn', c.expiresOn),
      ...timePair('refreshAfter', c.refreshAfter),
    },
    keys:
      fetched.keys && withValue
        ? {primary: fetched.keys.primaryKey, secondary: fetched.keys.secondaryKey}
        : null,
    copiedTo: copiedTo ?? null,
  };
}

/**
 * The fields `az ml online-endpoint get-credentials` prints for the mode: `primaryKey` and
 * `secondaryKey` for key; `accessToken`, `expiryTimeUtc` and `refreshAfterTimeUtc` (epoch
 * seconds, as az prints them) and `tokenType` for aml_token and aad_token. Secrets are left out
 * when the credential went to the clipboard.
 */
export function azCredentialFields(fetched: FetchedCredential, withValue = true) {
  const c = fetched.credential;
  if (c.kind === 'key') {
    if (!withValue) return {};
    if (fetched.keys)
      return {primaryKey: fetched.keys.primaryKey, secondaryKey: fetched.keys.secondaryKey};
    return c.which === 'secondary' ? {secondaryKey: c.value} : {primaryKey: c.value};
  }
  return {
    ...(withValue ? {accessToken: c.value} : {}),
    expiryTimeUtc: c.expiresOn === undefined ? null : epochSeconds(c.expiresOn),
    refreshAfterTimeUtc: c.refreshAfter === undefined ? null : epochSeconds(c.refreshAfter),
    tokenType: 'Bearer',
  };
}

/** `export SCORING_URI='…'` / `export DATA_PLANE_TOKEN='…'` and friends, for `eval`. */
export function credsEnv(endpoint: Endpoint, c: ScoringCredential): string {
  return envLines({
    SCORING_URI: endpoint.scoringUri ?? null,
    DATA_PLANE_TOKEN: c.value,
    DATA_PLANE_AUTH_MODE: endpoint.authMode,
    DATA_PLANE_TOKEN_EXPIRES_ON: c.expiresOn === undefined ? null : epochSeconds(c.expiresOn),
    DATA_PLANE_TOKEN_REFRESH_AFTER:
      c.refreshAfter === undefined ? null : epochSeconds(c.refreshAfter),
  });
}

const KIND_LABEL: Record<ScoringCredential['kind'], string> = {
  key: 'key',
  aml_token: 'Azure ML token',
  aad_token: 'Microsoft Entra token',
};

const CHANNEL_LABEL: Record<ClipboardChannel, string> = {
  system: 'system clipboard',
  osc52: 'through the terminal, OSC 52',
  tmux: "tmux's clipboard, set-clipboard on",
  'tmux-passthrough': 'through tmux to the terminal, OSC 52 passthrough',
  screen: 'through screen to the terminal, OSC 52',
};

const when = (ms: number, now: number) => `${localTime(ms, now)} (${relative(ms, now)})`;

/** For people: where, what, and when it expires. */
export function credsText(
  endpoint: Endpoint,
  fetched: FetchedCredential,
  now: number,
  style: Style,
  copiedTo?: string,
): string {
  const c = fetched.credential;
  if (copiedTo !== undefined) {
    // --copy: one line of confirmation, nothing secret (a token's expiry helps, so it stays).
    const what = c.kind === 'key' ? `the ${c.which} key` : `the ${KIND_LABEL[c.kind]}`;
    const channel = CHANNEL_LABEL[copiedTo as ClipboardChannel] ?? copiedTo;
    const expiry = c.expiresOn === undefined ? '' : `; it expires ${when(c.expiresOn, now)}`;
    // Only a clipboard tool or tmux's buffer is known to hold it; OSC 52 is a request to the
    // terminal, which may refuse it.
    const verb = copiedTo === 'system' || copiedTo === 'tmux' ? 'Copied' : 'Sent';
    return `${style.ok('✓')} ${verb} ${what} of ${endpoint.endpoint} to the clipboard (${channel})${expiry}.\n`;
  }
  const pairs: [string, string][] = [
    // What Azure returned is shown, never obeyed (a control character in it is made visible).
    [
      'endpoint',
      visible(`${endpoint.endpoint} (${endpoint.workspace}, ${endpoint.resourceGroup})`),
    ],
    ['auth mode', endpoint.authMode],
    ['scoring URI', visible(endpoint.scoringUri ?? '(none yet)')],
  ];
  if (c.kind === 'key') {
    if (fetched.keys) {
      pairs.push(['primary key', visible(fetched.keys.primaryKey)]);
      pairs.push(['secondary key', visible(fetched.keys.secondaryKey)]);
    }
    pairs.push(['keys expire', 'never (rotate with regenerate)']);
  } else {
    pairs.push([KIND_LABEL[c.kind], visible(c.value)]);
    if (c.expiresOn !== undefined) {
      const expired = c.expiresOn <= now;
      pairs.push(['expires', expired ? style.bad(when(c.expiresOn, now)) : when(c.expiresOn, now)]);
    }
    if (c.refreshAfter !== undefined) pairs.push(['refresh after', when(c.refreshAfter, now)]);
  }
  return `${rows(pairs, '')}\n`;
}

/**
 * The clipboard: a system tool, else OSC 52 on the terminal (through tmux or screen as they
 * allow) — never into a pipe or a file. Nothing copied is a failure, never a confirmation.
 */
async function copy(text: string): Promise<ClipboardChannel> {
  const {copyToClipboard} = await import('../lib/clipboard');
  const terminal = process.stderr.isTTY
    ? process.stderr
    : process.stdout.isTTY
      ? process.stdout
      : null;
  const outcome = await copyToClipboard(text, terminal);
  if (outcome.ok) return outcome.channel;
  throw new CliError(
    `could not copy: ${outcome.reason}`,
    ExitCode.usage,
    `drop --copy and capture the output instead, e.g. eval "$(aml-auth creds -p NAME -o env)"; or ${outcome.hint}`,
  );
}

export function runCreds(flags: CredsFlags): Promise<void> {
  return runCommand(flags, async (rt: Runtime) => {
    const which = parseWhich(flags.which);
    if (flags.copy && rt.format === 'env') {
      throw new CliError(
        '--copy and --output env do not go together',
        ExitCode.usage,
        '--copy prints only a confirmation; -o env prints the exports',
      );
    }
    const {resolved, endpoint, fetched} = await openCredential(rt, which);
    if (!endpoint.scoringUri) rt.warn(`endpoint ${endpoint.endpoint} has no scoring URI yet`);
    const copiedTo = flags.copy ? await copy(fetched.credential.value) : undefined;
    const now = Date.now();
    rt.emit(credsJson(resolved, endpoint, fetched, copiedTo), {
      env: () => credsEnv(endpoint, fetched.credential),
      text: () => credsText(endpoint, fetched, now, rt.style, copiedTo),
    });
    return ExitCode.ok;
  });
}

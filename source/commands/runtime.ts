/**
 * What every scriptable command shares: output streams and format, secret redaction on stderr,
 * `--debug` (the Azure SDK log on stderr, redacted), Ctrl-C → exit 130, the profile and the
 * selectors, the cloud, a sign-in that never waits for a person unless told to, and the mapping of
 * every failure to one line and its exit code. No Ink, no prompts.
 */
import {CloudError, resolveCloud} from '../azure/clouds';
import {redact, toAppError} from '../azure/errors';
import type {
  CloudConfig,
  Endpoint,
  EndpointRef,
  SignInParams,
  SignInResult,
  TokenCacheInfo,
} from '../domain/types';
import type {Services} from '../domain/services';
import type {Profile} from '../profiles/types';
import {CliError, ExitCode, type ExitCodeValue} from './exit-codes';
import {cliErrorFromApp, formatFailure, oneLine} from './failure';
import {colourEnabled, isOutputFormat, makeStyle, type OutputFormat, type Style} from './output';
import {
  GUID,
  mergeSelectors,
  requireSelectors,
  type Selector,
  type SelectorFlags,
  type Target,
} from './selectors';

export interface CommonFlags extends SelectorFlags {
  output?: string;
  debug?: boolean;
}

// ---------------------------------------------------------------- secrets and stderr

const secrets = new Set<string>();

/** Remembers a value that must never reach stderr (keys, tokens, the client secret). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

let stderrGuarded = false;

/**
 * Everything written to stderr — our messages, the Azure SDK log under --debug, stack traces —
 * passes through `redact`: JWTs, `Bearer …` values, `client_secret=…` and every registered secret
 * are replaced. stdout is left alone: printing the credential is `creds`' job.
 */
export function guardStderr(): void {
  if (stderrGuarded) return;
  stderrGuarded = true;
  const write = process.stderr.write.bind(process.stderr) as (...args: unknown[]) => boolean;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return write(redact(text, [...secrets]), ...rest);
    }
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
}

// ---------------------------------------------------------------- the runtime

export class Runtime {
  readonly format: OutputFormat;
  readonly style: Style;
  readonly errStyle: Style;
  readonly debug: boolean;
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  #profileTouch?: () => void;

  constructor(readonly flags: CommonFlags) {
    const format = flags.output ?? 'text';
    if (!isOutputFormat(format)) {
      throw new CliError(
        `--output '${format}' is not a format`,
        ExitCode.usage,
        'use text, json or env',
      );
    }
    this.format = format;
    this.style = makeStyle(colourEnabled(process.stdout, process.env));
    this.errStyle = makeStyle(colourEnabled(process.stderr, process.env));
    this.debug = Boolean(flags.debug);
    this.signal = this.#controller.signal;
  }

  /** Data: stdout. */
  out(text: string): void {
    process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }

  /** Diagnostics and progress: stderr (redacted). */
  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  /** With --debug only: a diagnostic line on stderr. */
  trace(text: string): void {
    if (this.debug) this.note(`aml-auth: ${text}`);
  }

  warn(text: string): void {
    this.note(`${this.errStyle.warn('aml-auth: warning:')} ${text}`);
  }

  /** Ctrl-C: cancels every call in flight; the command then exits 130. */
  interrupt(): void {
    this.#controller.abort();
  }

  get interrupted(): boolean {
    return this.signal.aborted;
  }

  onSuccess(fn: () => void): void {
    this.#profileTouch = fn;
  }

  succeeded(): void {
    try {
      this.#profileTouch?.();
    } catch {
      // Recording "last used" is a nicety; it never fails a command.
    }
  }
}

/** Throws the exit-130 error when Ctrl-C was pressed. */
export function throwIfInterrupted(rt: Runtime): void {
  if (rt.interrupted) throw new CliError('interrupted', ExitCode.interrupted);
}

/** Any failure → a CliError with its exit code (AppError kinds, profile and cloud errors). */
export function toCliError(err: unknown, rt?: Runtime): CliError {
  if (err instanceof CliError) return err;
  if (rt?.interrupted) return new CliError('interrupted', ExitCode.interrupted);
  if (err instanceof CloudError) {
    return new CliError(
      err.message,
      ExitCode.usage,
      'use --cloud AzureCloud, AzureChinaCloud, AzureUSGovernment or a cloud JSON file',
    );
  }
  if (isProfileFailure(err)) {
    return new CliError(oneLine(err.message), err.exitCode, err.hint);
  }
  return cliErrorFromApp(toAppError(err, {operation: 'run the command'}));
}

function isProfileFailure(err: unknown): err is Error & {exitCode: 1 | 2; hint: string} {
  return (
    err instanceof Error &&
    err.name === 'ProfileError' &&
    typeof (err as {exitCode?: unknown}).exitCode === 'number'
  );
}

/** Exits once stdout and stderr have flushed (pipes may be asynchronous). */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => {
    process.stderr.write('', () => process.exit(code));
  });
}

/**
 * Runs one command: sets up stderr redaction, --debug and Ctrl-C, runs `body`, prints any failure
 * as one line plus hints, and exits with the documented code.
 */
export async function runCommand(
  flags: CommonFlags,
  body: (rt: Runtime) => Promise<ExitCodeValue | void>,
): Promise<void> {
  guardStderr();
  registerSecret(process.env.AZURE_CLIENT_SECRET);
  // Before any Azure SDK module loads (they are imported lazily): the SDK log goes to stderr,
  // through the redaction above.
  if (flags.debug && !process.env.AZURE_LOG_LEVEL) process.env.AZURE_LOG_LEVEL = 'info';

  let rt: Runtime | undefined;
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    rt?.interrupt();
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    // Whatever is in flight gets a moment to unwind; then we leave regardless.
    setTimeout(() => {
      process.stderr.write('aml-auth: interrupted\n');
      process.exit(ExitCode.interrupted);
    }, 2000).unref();
  };
  process.on('SIGINT', onSigint);

  let code: number;
  try {
    rt = new Runtime(flags);
    code = (await body(rt)) ?? ExitCode.ok;
    if (rt.interrupted) throw new CliError('interrupted', ExitCode.interrupted);
    if (code === ExitCode.ok) rt.succeeded();
  } catch (err) {
    const failure = toCliError(err, rt);
    process.stderr.write(formatFailure(failure));
    if (flags.debug) {
      const cause = (failure as {cause?: unknown}).cause ?? err;
      if (cause instanceof Error && cause.stack) process.stderr.write(`${cause.stack}\n`);
    }
    code = failure.exitCode;
  }
  exitAfterFlush(code);
}

// ---------------------------------------------------------------- profiles and targets

export interface LoadedTarget {
  target: Target;
  profile?: Profile;
}

/** Opens the profile store, reporting a recovered or migrated file on stderr. */
export async function openStore(rt: Runtime) {
  const {openProfileStore} = await import('../profiles');
  const opened = openProfileStore();
  if (opened.recovered) rt.warn(opened.recovered.reason);
  if (opened.migrated) {
    rt.note(
      `aml-auth: profiles were upgraded from version ${opened.migrated.from} to ${opened.migrated.to}; the old file is at ${opened.migrated.backupPath}`,
    );
  }
  return opened;
}

/** The profile (when --profile is given) merged with the explicit selectors. */
export async function loadTarget(rt: Runtime, needs: readonly Selector[]): Promise<LoadedTarget> {
  let profile: Profile | undefined;
  if (rt.flags.profile) {
    const {store} = await openStore(rt);
    profile = store.get(rt.flags.profile);
    const name = profile.name;
    rt.onSuccess(() => store.touch(name));
  }
  const target = mergeSelectors(profile, rt.flags);
  requireSelectors(target, needs);
  rt.trace(
    `target: cloud ${target.cloud} (${target.sources.cloud}), sign-in ${target.signIn.method} (${target.sources.method})` +
      `${target.endpoint ? `, endpoint ${target.endpoint}` : ''}`,
  );
  return profile ? {target, profile} : {target};
}

export async function loadCloud(target: Target): Promise<CloudConfig> {
  return resolveCloud(target.cloud);
}

// ---------------------------------------------------------------- sign-in without a person

function describeTokenCache(info: TokenCacheInfo): string {
  if (info.kind === 'keyring') return 'the OS keyring';
  if (info.kind === 'plaintext') return `an unencrypted file, ${info.path ?? ''} (opted in)`;
  return `memory only${info.reason ? ` (${info.reason})` : ''}`;
}

export interface Connection {
  cloud: CloudConfig;
  services: Services;
  signIn: SignInResult;
  target: Target;
}

const interactiveTerminal = () => Boolean(process.stdin.isTTY && process.stderr.isTTY);

const NON_INTERACTIVE_HINT =
  'sign in without a prompt: `az login` then --auth-method cli; or --auth-method service-principal with AZURE_CLIENT_ID and AZURE_CLIENT_SECRET in the environment; or --device-code';

class NeedsInteraction extends Error {}

/**
 * Signs in with the target's method. Never waits for a person unless allowed: a device code only
 * with --device-code (its message on stderr), a browser only on a terminal. A client secret is
 * read only from AZURE_CLIENT_SECRET, never from a flag.
 */
export async function connect(rt: Runtime, target: Target): Promise<Connection> {
  const cloud = await loadCloud(target);
  const env = process.env;
  const method = target.signIn.method;
  const tenantId = target.tenantId ?? cloud.tenantId;

  if (method === 'service-principal') {
    if (!env.AZURE_CLIENT_SECRET) {
      throw new CliError(
        'service-principal sign-in reads the client secret from AZURE_CLIENT_SECRET, which is not set',
        ExitCode.authentication,
        'export AZURE_CLIENT_SECRET in the environment (a secret is never taken from a flag); or ' +
          NON_INTERACTIVE_HINT,
      );
    }
    if (!target.signIn.clientId && !env.AZURE_CLIENT_ID) {
      throw new CliError(
        'service-principal sign-in needs the app (client) ID',
        ExitCode.authentication,
        'pass --client-id or set AZURE_CLIENT_ID',
      );
    }
    if (!tenantId && !env.AZURE_TENANT_ID) {
      throw new CliError(
        'service-principal sign-in needs the tenant',
        ExitCode.authentication,
        'pass --tenant or set AZURE_TENANT_ID',
      );
    }
  }
  if (method === 'browser' && !interactiveTerminal()) {
    throw new CliError(
      'browser sign-in needs an interactive terminal, and there is none',
      ExitCode.authentication,
      NON_INTERACTIVE_HINT,
    );
  }
  if (
    method === 'device-code' &&
    !target.deviceCodeAllowed &&
    !target.signIn.authenticationRecord
  ) {
    throw new CliError(
      'this sign-in needs a device code, which a command shows only with --device-code',
      ExitCode.authentication,
      `add --device-code (the code goes to stderr); or ${NON_INTERACTIVE_HINT}`,
    );
  }

  const {createServices} = await import('../azure/services');
  const services = createServices(
    cloud,
    rt.flags.tokenCache ? {tokenCache: rt.flags.tokenCache} : {},
  );
  const params: SignInParams = {};
  if (target.tenantId) params.tenantId = target.tenantId;
  if (target.signIn.clientId) params.clientId = target.signIn.clientId;
  if (target.signIn.certificatePath) params.certificatePath = target.signIn.certificatePath;
  if (target.signIn.authenticationRecord)
    params.authenticationRecord = target.signIn.authenticationRecord;

  let cache: TokenCacheInfo | undefined;
  let rejectInteraction: (err: Error) => void = () => undefined;
  const interaction = new Promise<never>((_, reject) => {
    rejectInteraction = reject;
  });
  interaction.catch(() => undefined);
  const attempt = new AbortController();
  const forward = () => attempt.abort();
  rt.signal.addEventListener('abort', forward, {once: true});

  rt.trace(
    `signing in with ${method}${tenantId ? ` (tenant ${tenantId})` : ''} at ${cloud.authorityHost}`,
  );
  try {
    const result = await Promise.race([
      services.signIn(
        method,
        params,
        {
          onTokenCache: (info) => {
            cache = info;
            rt.trace(`token cache: ${describeTokenCache(info)}`);
          },
          onDeviceCode: (prompt) => {
            if (!target.deviceCodeAllowed) {
              rejectInteraction(new NeedsInteraction());
              attempt.abort();
              return;
            }
            rt.note(prompt.message);
          },
        },
        attempt.signal,
      ),
      interaction,
    ]);
    rt.trace(
      `signed in as ${result.identity.name} (${result.identity.kind}, object ID ${result.identity.objectId})`,
    );
    return {cloud, services, signIn: result, target};
  } catch (err) {
    if (rt.interrupted) throw new CliError('interrupted', ExitCode.interrupted);
    if (err instanceof NeedsInteraction) {
      const who = target.profileName ? `profile "${target.profileName}"` : 'this identity';
      // Say why: no cached tokens to refresh from (memory only), or the cached ones ran out.
      throw new CliError(
        cache?.kind === 'memory'
          ? `the saved sign-in of ${who} cannot be reused: tokens are kept in memory only (${cache.reason ?? 'no token cache'}), so a device code would be needed`
          : `the saved sign-in of ${who} has expired and a device code would be needed`,
        ExitCode.authentication,
        `add --device-code (the code goes to stderr); or ${NON_INTERACTIVE_HINT}`,
      );
    }
    const app = toAppError(err, {operation: 'sign in', method, cloud});
    // A sign-in that cannot go ahead (a missing tenant or client ID, a refused secret) is an
    // authentication failure, whatever the layer below calls it.
    const code =
      app.kind === 'network' || app.kind === 'throttled' || app.kind === 'unknown'
        ? ExitCode.failure
        : app.kind === 'cancelled'
          ? ExitCode.interrupted
          : ExitCode.authentication;
    throw cliErrorFromApp(app, code);
  } finally {
    rt.signal.removeEventListener('abort', forward);
  }
}

// ---------------------------------------------------------------- endpoint

export interface ResolvedEndpoint extends Connection {
  ref: EndpointRef;
  subscriptionName?: string;
}

/** The subscription by ID or display name, and the workspace's resource group when not given. */
export async function resolveRef(rt: Runtime, conn: Connection): Promise<ResolvedEndpoint> {
  const {services, target} = conn;
  let subscriptionId = target.subscriptionId;
  let subscriptionName: string | undefined;
  if (!subscriptionId) {
    const wanted = target.subscriptionName!;
    const subs = await services.listSubscriptions(rt.signal);
    const matches = subs.filter(
      (s) =>
        s.displayName.toLowerCase() === wanted.toLowerCase() ||
        s.subscriptionId.toLowerCase() === wanted.toLowerCase(),
    );
    if (matches.length === 0) {
      throw new CliError(
        `no subscription named "${wanted}" is visible to this identity`,
        ExitCode.notFound,
        subs.length
          ? `subscriptions: ${subs.map((s) => `${s.displayName} (${s.subscriptionId})`).join(', ')}`
          : 'this identity sees no subscriptions: check the tenant (--tenant) and its role assignments',
      );
    }
    if (matches.length > 1) {
      throw new CliError(
        `${matches.length} subscriptions are named "${wanted}"`,
        ExitCode.usage,
        `pass the ID: ${matches.map((s) => s.subscriptionId).join(', ')}`,
      );
    }
    subscriptionId = matches[0]!.subscriptionId;
    subscriptionName = matches[0]!.displayName;
  } else if (!GUID.test(subscriptionId)) {
    throw new CliError(`subscription ID '${subscriptionId}' is not a GUID`, ExitCode.usage);
  }

  let resourceGroup = target.resourceGroup;
  const workspace = target.workspace!;
  if (!resourceGroup) {
    const all = await services.listWorkspaces(subscriptionId, rt.signal);
    const matches = all.filter((w) => w.name.toLowerCase() === workspace.toLowerCase());
    if (matches.length === 0) {
      throw new CliError(
        `no workspace named "${workspace}" in subscription ${subscriptionName ?? subscriptionId}`,
        ExitCode.notFound,
        all.length
          ? `workspaces: ${all.map((w) => `${w.name} (${w.resourceGroup})`).join(', ')}`
          : 'this subscription has no workspace this identity can see',
      );
    }
    if (matches.length > 1) {
      throw new CliError(
        `workspace "${workspace}" exists in ${matches.length} resource groups`,
        ExitCode.usage,
        `pass --resource-group: ${matches.map((w) => w.resourceGroup).join(', ')}`,
      );
    }
    resourceGroup = matches[0]!.resourceGroup;
  }
  const ref: EndpointRef = {
    subscriptionId,
    resourceGroup,
    workspace,
    endpoint: target.endpoint!,
  };
  return subscriptionName ? {...conn, ref, subscriptionName} : {...conn, ref};
}

/** Reads the endpoint (404 → exit 5, 403 → exit 4, with the missing action). */
export async function getEndpoint(rt: Runtime, resolved: ResolvedEndpoint): Promise<Endpoint> {
  const endpoint = await resolved.services.getEndpoint(resolved.ref, rt.signal);
  if (/^(creating|deleting)$/i.test(endpoint.provisioningState)) {
    rt.warn(`endpoint ${endpoint.endpoint} is ${endpoint.provisioningState.toLowerCase()}`);
  }
  return endpoint;
}

/** Sign-in, subscription, workspace and the endpoint itself: what creds, invoke and roles need. */
export async function openEndpoint(
  rt: Runtime,
  loaded?: LoadedTarget,
): Promise<ResolvedEndpoint & {endpoint: Endpoint}> {
  const {target} = loaded ?? (await loadTarget(rt, ['subscription', 'workspace', 'endpoint']));
  const resolved = await resolveRef(rt, await connect(rt, target));
  return {...resolved, endpoint: await getEndpoint(rt, resolved)};
}

import {shellQuote} from '../lib/shell';
import {CliError, ExitCode} from './exit-codes';
import {parseDuration} from '../sandbox/duration';
import {parseFaults} from '../sandbox/faults';
import {parseWorldScale} from '../sandbox/world';
import type {RunningSandbox, SandboxDescriptor, SandboxOptions} from '../sandbox';
import {SLOW_CLIENT_DEFAULTS} from '../sandbox/limits';

export interface SandboxCommandOptions {
  port?: string;
  json?: boolean;
  tokenLifetime?: string;
  autoApprove?: string | boolean;
  faults?: string;
  dir?: string;
  provisioningDelay?: string;
  ingestionDelay?: string;
  headersTimeout?: string;
  requestTimeout?: string;
  scale?: string;
}

/** Turns command-line options into sandbox options, or a usage error (exit 2). */
export function sandboxOptions(opts: SandboxCommandOptions): SandboxOptions {
  const out: SandboxOptions = {};
  if (opts.port !== undefined) {
    const port = Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new CliError(
        `--port '${opts.port}' is not a port number`,
        ExitCode.usage,
        'use 0 to pick a free port',
      );
    }
    out.port = port;
  }
  try {
    if (opts.tokenLifetime !== undefined) out.tokenLifetimeMs = parseDuration(opts.tokenLifetime);
    if (opts.provisioningDelay !== undefined)
      out.provisioningDelayMs = parseDuration(opts.provisioningDelay);
    if (opts.ingestionDelay !== undefined)
      out.ingestionDelayMs = parseDuration(opts.ingestionDelay);
    if (opts.headersTimeout !== undefined)
      out.headersTimeoutMs = parseDuration(opts.headersTimeout);
    if (opts.requestTimeout !== undefined)
      out.requestTimeoutMs = parseDuration(opts.requestTimeout);
  } catch (err) {
    throw new CliError((err as Error).message, ExitCode.usage);
  }
  if (out.tokenLifetimeMs !== undefined && out.tokenLifetimeMs < 1000) {
    throw new CliError('--token-lifetime must be at least 1s', ExitCode.usage);
  }
  for (const [flag, ms] of [
    ['--headers-timeout', out.headersTimeoutMs],
    ['--request-timeout', out.requestTimeoutMs],
  ] as const) {
    if (ms !== undefined && ms < 100)
      throw new CliError(`${flag} must be at least 100ms`, ExitCode.usage);
  }
  if (
    (out.headersTimeoutMs ?? SLOW_CLIENT_DEFAULTS.headersTimeoutMs) >
    (out.requestTimeoutMs ?? SLOW_CLIENT_DEFAULTS.requestTimeoutMs)
  ) {
    throw new CliError(
      '--headers-timeout must not be longer than --request-timeout',
      ExitCode.usage,
      `the defaults are ${SLOW_CLIENT_DEFAULTS.headersTimeoutMs / 1000}s and ${SLOW_CLIENT_DEFAULTS.requestTimeoutMs / 1000}s`,
    );
  }
  if (opts.faults) {
    try {
      parseFaults(opts.faults);
    } catch (err) {
      throw new CliError(
        (err as Error).message,
        ExitCode.usage,
        'e.g. --faults arm:429:next=2,scoring:latency=300ms',
      );
    }
    out.faults = opts.faults;
  }
  if (opts.scale !== undefined) {
    try {
      out.scale = parseWorldScale(opts.scale);
    } catch (err) {
      throw new CliError((err as Error).message, ExitCode.usage, 'e.g. --scale 300x2000');
    }
  }
  if (opts.autoApprove !== undefined) out.autoApprove = opts.autoApprove;
  if (opts.dir) out.dir = opts.dir;
  return out;
}

export async function startSandboxFromCli(opts: SandboxOptions): Promise<RunningSandbox> {
  const {startSandbox} = await import('../sandbox');
  try {
    return await startSandbox(opts);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      throw new CliError(
        `port ${opts.port} is already in use`,
        ExitCode.usage,
        'pick another --port, or --port 0 for a free one',
      );
    }
    if (/auto-approve/.test(e.message))
      throw new CliError(e.message, ExitCode.usage, 'users: owner, scientist');
    throw err;
  }
}

/** What Azure CLI calls the sandbox once it is registered (`az cloud register -n …`). */
export const AZ_CLOUD_NAME = 'AmlAuthSandbox';

/**
 * The exact commands that make Azure CLI use this sandbox: trust its CA (az reads
 * REQUESTS_CA_BUNDLE, which replaces its roots for that shell), register it from its own
 * `/metadata/endpoints`, select it and sign in. The secret is read from the cloud file, never printed.
 */
export function azRecipe(d: SandboxDescriptor): string[] {
  const sp = d.principals.find((p) => p.name === 'ops-automation');
  const read = `require(${JSON.stringify(d.cloudFile)}).principals.find((p) => p.name === 'ops-automation').clientSecret`;
  const secret = `"$(node -p ${shellQuote(read)})"`;
  return [
    `export REQUESTS_CA_BUNDLE=${shellQuote(d.caCertFile)}`,
    `az cloud register -n ${AZ_CLOUD_NAME} --endpoint-resource-manager ${d.resourceManagerEndpoint}`,
    `az cloud set -n ${AZ_CLOUD_NAME}`,
    ...(sp
      ? [`az login --service-principal -u ${sp.clientId} -p ${secret} --tenant ${d.tenantId}`]
      : []),
    '# or a user: az login --use-device-code (enter the code at the sign-in page above)',
  ];
}

/** Human summary of a running sandbox; secrets stay in the cloud file. */
export function describeSandbox(s: RunningSandbox): string {
  const d = s.descriptor;
  const lines = [
    `aml-auth sandbox cloud listening on ${s.url} (127.0.0.1 only)`,
    '',
    `  cloud file       ${d.cloudFile}`,
    `  CA certificate   ${d.caCertFile}`,
    `  tenant           contoso.sandbox (${d.tenantId})`,
    `  resource manager ${d.resourceManagerEndpoint}`,
    `  sign-in page     ${d.deviceLoginUrl}`,
    `  log analytics    ${d.logAnalyticsEndpoint} (workspace law-dev; churn-scorer logs its traffic there)`,
    '',
    '  principals:',
    ...d.principals.map(
      (p) =>
        `    ${p.kind === 'user' ? 'user' : 'app '} ${p.name.padEnd(26)} ${p.objectId}${p.clientId ? `  client ${p.clientId}` : ''}`,
    ),
    ...d.managedIdentities.map(
      (m) =>
        `    mi   ${m.name.padEnd(26)} ${m.objectId}  client ${m.clientId}  (${m.kind === 'userAssigned' ? 'user-assigned' : 'system-assigned'})`,
    ),
    '',
    ...d.principals
      .filter((p) => p.certificateFile)
      .map((p) => `  certificate      ${p.name}: ${p.certificateFile} (certificate and key, 0600)`),
    `  managed identity IDENTITY_ENDPOINT=${d.identityEndpoint}`,
    '                   IDENTITY_HEADER: identityHeader in the cloud file',
    '',
    '  Client secrets, the identity header and the admin token are in the cloud file (readable only by you).',
    '',
    '  Azure CLI (registered with this port: pass --port to keep it across restarts, or',
    `  az cloud set -n AzureCloud && az cloud unregister -n ${AZ_CLOUD_NAME} and register again):`,
    ...azRecipe(d).map((line) => `    ${line}`),
    '',
    `  Try: aml-auth --cloud ${d.cloudFile}      Stop with Ctrl-C.`,
  ];
  return lines.join('\n');
}

/** Runs until SIGINT/SIGTERM/SIGHUP, then shuts down cleanly (its folder removed). */
export async function runSandboxCommand(opts: SandboxCommandOptions): Promise<void> {
  const sandbox = await startSandboxFromCli(sandboxOptions(opts));
  if (opts.json) process.stdout.write(JSON.stringify(sandbox.descriptor) + '\n');
  else process.stdout.write(describeSandbox(sandbox) + '\n');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.off('SIGHUP', stop);
      void sandbox.stop().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('SIGHUP', stop);
  });
  if (!opts.json) process.stderr.write('sandbox stopped\n');
}

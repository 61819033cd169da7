import {existsSync} from 'node:fs';
import {constants} from 'node:os';
import {dirname, join, relative} from 'node:path';
import type {RetryNotice, TokenCacheMode} from '../domain/types';
import {runWizard} from '../app';
import {CloudError, resolveCloud} from '../azure/clouds';
import {createServices} from '../azure/services';
import * as clipboard from '../lib/clipboard';
import {createHub} from '../lib/hub';
import {openProfileStore} from '../profiles';
import type {ServicesOptions} from '../azure/context';
import type {SandboxPanelInfo} from '../app/app-context';
import type {SandboxDescriptor} from '../sandbox';
import {CliError, ExitCode} from './exit-codes';

/** assets/sample-request.json beside the installed CLI (dist/cli.js → ../assets), else in the cwd. */
function sampleRequestPath(): string | undefined {
  const candidates = [
    join(dirname(process.argv[1] ?? '.'), '..', 'assets', 'sample-request.json'),
    join(process.cwd(), 'assets', 'sample-request.json'),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) return undefined;
  const rel = relative(process.cwd(), found);
  return rel.startsWith('..') ? found : rel;
}

const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** The terminal went away: reads and writes on it fail with these. */
const GONE = new Set(['EIO', 'EPIPE', 'ENOTCONN', 'EBADF', 'ERR_STREAM_DESTROYED']);

/**
 * While the wizard runs: a signal (SIGINT, SIGTERM, SIGHUP — a closed terminal sends the last)
 * or a terminal that is gone (EIO on stdin/stdout) ends the process at once and quietly, after
 * `cleanup` (the sandbox's folder, with its client secrets and admin token). Exit 128 + signal
 * number; a SIGHUP or a terminal that is gone ends by SIGHUP's default action (a shell shows
 * 129). Returns the function that uninstalls it.
 */
function exitCleanlyOnSignals(cleanup: () => void): () => void {
  let done = false;
  const leave = (code: number) => {
    if (!done) {
      done = true;
      try {
        cleanup();
      } catch {
        // nothing more can be done on the way out
      }
    }
    if (code === 128 + constants.signals.SIGHUP) {
      // The terminal is gone: process.exit() would restore its modes and fail an assertion inside
      // Node (nodejs/node#42433) that prints a native stack trace. Ending by the signal's default
      // action skips that, and the parent sees "killed by SIGHUP", as for any program.
      for (const s of EXIT_SIGNALS) process.removeAllListeners(s);
      process.kill(process.pid, 'SIGHUP');
    }
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => leave(128 + (constants.signals[signal] ?? 1));
  const onStreamError = (err: NodeJS.ErrnoException) => {
    if (GONE.has(err.code ?? '')) leave(128 + constants.signals.SIGHUP);
    else throw err;
  };
  for (const s of EXIT_SIGNALS) process.on(s, onSignal);
  process.stdin.on('error', onStreamError);
  process.stdout.on('error', onStreamError);
  return () => {
    for (const s of EXIT_SIGNALS) process.off(s, onSignal);
    process.stdin.off('error', onStreamError);
    process.stdout.off('error', onStreamError);
  };
}

/** What the wizard's sandbox panel shows, as plain data (the app does not import the sandbox). */
export function sandboxPanelInfo(url: string, d: SandboxDescriptor): SandboxPanelInfo {
  return {
    url,
    cloudFile: d.cloudFile,
    caCertFile: d.caCertFile,
    tenantId: d.tenantId,
    identityEndpoint: d.identityEndpoint,
    principals: [
      ...d.principals.map((p) => ({
        kind: p.kind,
        name: p.name,
        objectId: p.objectId,
        ...(p.clientId ? {clientId: p.clientId} : {}),
        ...(p.clientSecret ? {clientSecret: p.clientSecret} : {}),
        ...(p.certificateFile ? {certificateFile: p.certificateFile} : {}),
      })),
      ...d.managedIdentities.map((m) => ({
        kind: 'managedIdentity' as const,
        name: m.name,
        objectId: m.objectId,
        clientId: m.clientId,
      })),
    ],
  };
}

export interface WizardOptions {
  sandbox?: boolean;
  sandboxUser?: string;
  cloud?: string;
  /** Validated by commander against TOKEN_CACHE_MODES. */
  tokenCache?: TokenCacheMode;
}

/**
 * The token cache for the wizard: as asked; with --sandbox, memory unless asked — the embedded
 * sandbox is new each run, so its tokens could never be reused, and they do not belong in the
 * user's keyring beside real ones.
 */
function servicesOptions(opts: WizardOptions): ServicesOptions {
  if (opts.tokenCache) return {tokenCache: opts.tokenCache};
  if (opts.sandbox)
    return {
      tokenCache: 'memory' as const,
      memoryReason: 'the embedded sandbox is new each run, so its tokens could not be reused',
    };
  return {};
}

/**
 * The default route: resolve the cloud (or start the embedded sandbox and use its cloud file,
 * exactly as `--cloud FILE` would), open the profile store, and render the wizard. This module is
 * imported only after the arguments are parsed (so `--help` stays instant), and imports what the
 * first frame needs statically: one import there, so the bundle loads it as a few large chunks
 * rather than many small ones (each module a start-up loads costs its own resolve and link).
 */
export async function openWizard(opts: WizardOptions): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new CliError(
      'the wizard needs an interactive terminal (stdin and stdout must be a TTY)',
      ExitCode.usage,
      'in scripts and CI use the scriptable commands: see `aml-auth --help` (e.g. `aml-auth sandbox --json`)',
    );
  }
  if (opts.sandbox && opts.cloud) {
    throw new CliError(
      '--sandbox and --cloud cannot be used together',
      ExitCode.usage,
      'the sandbox is its own cloud',
    );
  }

  let stopSandbox: (() => Promise<void>) | undefined;
  let removeSandboxFiles = () => {};
  let cloudRef: string;
  let cloudArg: string | undefined;
  let banner: string | undefined;
  let sandboxInfo: SandboxPanelInfo | undefined;
  if (opts.sandbox) {
    const {startSandboxFromCli} = await import('./sandbox');
    const user = opts.sandboxUser ?? 'owner';
    const sandbox = await startSandboxFromCli({autoApprove: user});
    stopSandbox = () => sandbox.stop();
    removeSandboxFiles = () => sandbox.removeFilesSync();
    cloudArg = sandbox.descriptor.cloudFile;
    cloudRef = 'sandbox';
    banner = `Sandbox cloud at ${sandbox.url} — not Azure. Device codes are approved as ${user} after ~1 s unless you open the sign-in page first. ctrl+s: its principals and secrets.`;
    sandboxInfo = sandboxPanelInfo(sandbox.url, sandbox.descriptor);
  } else {
    cloudArg = opts.cloud;
    cloudRef = opts.cloud ?? 'AzureCloud';
  }
  const uninstall = exitCleanlyOnSignals(() => removeSandboxFiles());
  try {
    let cloud;
    try {
      cloud = await resolveCloud(cloudArg);
    } catch (err) {
      if (err instanceof CloudError)
        throw new CliError(
          err.message,
          ExitCode.usage,
          'use --cloud AzureCloud, AzureChinaCloud, AzureUSGovernment, a cloud registered with az cloud register, or a cloud JSON file',
        );
      throw err;
    }
    if (!opts.sandbox) cloudRef = cloud.file ?? cloud.name;
    const opened = openProfileStore();
    const notices: string[] = [];
    if (opened.recovered)
      notices.push(
        `${opened.recovered.reason} It was moved to ${opened.recovered.backupPath}; starting with no profiles.`,
      );
    if (opened.quarantined) notices.push(opened.quarantined.reason);
    if (opened.migrated)
      notices.push(
        `Profiles were upgraded from version ${opened.migrated.from} to ${opened.migrated.to}; the old file is at ${opened.migrated.backupPath}.`,
      );
    const retries = createHub<RetryNotice>();
    const outcome = await runWizard({
      services: createServices(cloud, {...servicesOptions(opts), onRetry: retries.emit}),
      retries,
      profiles: opened.store,
      cloudRef,
      banner,
      notices,
      copy: (text) => clipboard.copyToClipboard(text),
      openUrl: clipboard.openUrl,
      ...(process.env.AZURE_CLIENT_SECRET
        ? {environmentSecret: process.env.AZURE_CLIENT_SECRET}
        : {}),
      sampleRequest: sampleRequestPath(),
      ...(sandboxInfo ? {sandbox: sandboxInfo} : {}),
    });
    if (outcome === 'interrupted') process.exitCode = ExitCode.interrupted;
  } finally {
    uninstall();
    await stopSandbox?.();
  }
  // The wizard is over and the terminal restored. A request may still be in flight (a sign-in
  // given up on: MSAL's requests take no AbortSignal, so the SDK cannot stop its token request);
  // it must not keep the process alive until it ends.
  process.exit(process.exitCode ?? 0);
}

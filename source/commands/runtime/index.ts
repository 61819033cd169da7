/**
 * What every scriptable command shares: output streams and format, secret redaction on stderr,
 * `--debug` (the Azure SDK log on stderr, redacted), Ctrl-C → exit 130, the profile and the
 * selectors, the cloud, a sign-in that never waits for a person unless told to, and the mapping of
 * every failure to one line and its exit code. No Ink, no prompts.
 */
export {
  type CommonFlags,
  type OutputTools,
  type Renderers,
  Runtime,
  loadOutputTools,
  throwIfInterrupted,
  toCliError,
  runCommand,
} from './core';
export {registerSecret, guardStderr} from './secrets';
export {type LoadedTarget, assertName, openStore, loadTarget, loadCloud} from './targets';
export {type Connection, connect} from './sign-in';
export {
  type ResolvedEndpoint,
  resolveRef,
  resolveWorkspace,
  resolveSubscription,
  workspaceOf,
  type ResolvedWorkspace,
  type WorkspaceRef,
  getEndpoint,
  openEndpoint,
  rememberedEndpoint,
  learnEndpoint,
} from './endpoint';

import {tmpdir} from 'node:os';
import {join} from 'node:path';

/**
 * The test process's environment without what would make a child CLI (aml-auth or az) depend on
 * the machine it runs on: Azure and aml-auth settings, managed-identity endpoints, a CA bundle,
 * CI (Ink holds frames back under it), colour and tmux, and a desktop's D-Bus or display (the
 * developer's real keyring). Azure CLI's config folder points nowhere.
 */
const MACHINE =
  /^(AZURE_|AML_AUTH_|IDENTITY_|MSI_|REQUESTS_CA_BUNDLE$|CI$|CONTINUOUS_INTEGRATION$|FORCE_COLOR$|TMUX$|DBUS_SESSION_BUS_ADDRESS$|DISPLAY$|WAYLAND_DISPLAY$)/;

export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!MACHINE.test(k)) env[k] = v;
  // Azure CLI's context (~/.azure: az configure --defaults, az login's default subscription)
  // fills selectors: a folder that never exists keeps the machine's az out of every child.
  env.AZURE_CONFIG_DIR = join(tmpdir(), 'aml-auth-tests-no-az-config');
  return env;
}

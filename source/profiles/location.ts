import {homedir} from 'node:os';
import {join, resolve} from 'node:path';

export const PROJECT_NAME = 'aml-auth';
export const CONFIG_NAME = 'config';
export const CONFIG_DIR_ENV = 'AML_AUTH_CONFIG_DIR';

export interface LocationOptions {
  /** The folder of the store; wins over AML_AUTH_CONFIG_DIR and the platform default. */
  dir?: string;
}

/**
 * The platform's folder for the configuration of a program named aml-auth (what env-paths'
 * `config` gives, and where the store has always been): `$XDG_CONFIG_HOME/aml-auth` or
 * `~/.config/aml-auth` on Linux, `~/Library/Preferences/aml-auth` on macOS,
 * `%APPDATA%\aml-auth\Config` on Windows.
 */
export function platformConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Preferences', PROJECT_NAME);
  if (process.platform === 'win32') {
    return join(env.APPDATA || join(home, 'AppData', 'Roaming'), PROJECT_NAME, 'Config');
  }
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), PROJECT_NAME);
}

/** The folder of the store and whether it is the platform default (which aml-auth owns outright). */
export function configDir(options: LocationOptions = {}): {dir: string; isDefault: boolean} {
  const chosen = options.dir || process.env[CONFIG_DIR_ENV];
  if (chosen) return {dir: resolve(chosen), isDefault: false};
  return {dir: platformConfigDir(), isDefault: true};
}

/** The profile file: `<dir>/config.json`. */
export function configPath(options: LocationOptions = {}): string {
  return join(configDir(options).dir, `${CONFIG_NAME}.json`);
}

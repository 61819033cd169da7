/**
 * Opening a URL in the user's browser, and saying why when that cannot work here.
 *
 * The bundle (scripts/build.mjs) and the tests (vitest.config.ts) alias the `open` package to
 * this module, so @azure/identity's interactive browser sign-in (`import("open")` in its MSAL
 * client) lands in `open()` below. Where no browser can be launched — over SSH, in a container,
 * on a server without a display — it does not throw (which would end the sign-in with a spawn
 * error): it hands the URL to the listener the sign-in registered (`onBrowserLaunch`) and
 * resolves, so MSAL keeps listening on its loopback port for the redirect from a browser opened
 * by hand.
 *
 * The URL carries the PKCE challenge and the state, never a secret; still it is for the screen,
 * not for a log.
 */
import {spawn} from 'node:child_process';
import {accessSync, constants as fsConstants} from 'node:fs';
import {delimiter, join} from 'node:path';

/** What became of one attempt to open a URL. */
export interface BrowserLaunch {
  url: string;
  /** A browser (or the system's opener) was started. */
  opened: boolean;
  /** The command that was (or would have been) used, e.g. `xdg-open`. */
  opener?: string;
  /** Why no browser opened, as the end of "No browser could be opened here: …". */
  reason?: string;
}

export type BrowserLaunchListener = (launch: BrowserLaunch) => void;

const listeners: BrowserLaunchListener[] = [];

/**
 * Registers the listener told about every launch (opened or not, and a launch that fails after
 * the opener started) until the returned function is called. The latest registered one is told.
 */
export function onBrowserLaunch(listener: BrowserLaunchListener): () => void {
  listeners.push(listener);
  return () => {
    const i = listeners.lastIndexOf(listener);
    if (i >= 0) listeners.splice(i, 1);
  };
}

function notify(launch: BrowserLaunch): void {
  const listener = listeners.at(-1);
  if (listener) listener(launch);
  else if (!launch.opened) {
    // Nobody asked to be told (a caller outside the app's sign-in): still say where to go.
    process.stderr.write(
      `No browser could be opened here: ${launch.reason ?? 'unknown reason'}. Open this URL in a browser: ${launch.url}\n`,
    );
  }
}

/** Whether an executable of this name is on PATH (the spawn would fail with ENOENT otherwise). */
export function onPath(cmd: string, env: NodeJS.ProcessEnv = process.env): boolean {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, cmd), fsConstants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

type Plan = {cmd: string; args: string[]} | {cmd?: string; reason: string};

/**
 * How a browser would be opened here, or why none can be: `$BROWSER` when set (what xdg-open,
 * Python's webbrowser and VS Code's remote terminals use), else the platform's opener — on Linux
 * only with a display to show a browser on.
 */
export function browserPlan(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Plan {
  const browser = env.BROWSER?.split(delimiter).find(Boolean);
  if (browser) {
    const [cmd, ...rest] = browser.trim().split(/\s+/) as [string, ...string[]];
    const args = rest.some((a) => a.includes('%s'))
      ? rest.map((a) => a.replace('%s', url))
      : [...rest, url];
    return {cmd, args};
  }
  if (platform === 'darwin') return {cmd: 'open', args: [url]};
  // Not `cmd /c start`: cmd would read the URL's `&` as command separators.
  if (platform === 'win32') return {cmd: 'rundll32', args: ['url.dll,FileProtocolHandler', url]};
  const wsl = Boolean(env.WSL_DISTRO_NAME);
  if (!onPath('xdg-open', env)) {
    if (wsl && onPath('wslview', env)) return {cmd: 'wslview', args: [url]};
    return {cmd: 'xdg-open', reason: 'xdg-open is not installed'};
  }
  if (!wsl && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return {
      cmd: 'xdg-open',
      reason: env.SSH_CONNECTION
        ? 'this is an SSH session without a display (DISPLAY is not set)'
        : 'there is no graphical display (DISPLAY and WAYLAND_DISPLAY are not set)',
    };
  }
  return {cmd: 'xdg-open', args: [url]};
}

/**
 * Starts a browser on the URL. Resolves when the opener started (opened) or could not
 * (not opened, with the reason); an opener that starts and then exits with a failure is
 * reported to the listener afterwards.
 */
export function launchBrowser(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BrowserLaunch> {
  const plan = browserPlan(url, env);
  if ('reason' in plan)
    return Promise.resolve({url, opened: false, opener: plan.cmd, reason: plan.reason});
  const {cmd, args} = plan;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (launch: BrowserLaunch) => {
      if (settled) {
        if (!launch.opened) notify(launch);
        return;
      }
      settled = true;
      resolve(launch);
    };
    try {
      const child = spawn(cmd, args, {stdio: 'ignore', detached: true});
      child.on('error', (err: NodeJS.ErrnoException) =>
        settle({
          url,
          opened: false,
          opener: cmd,
          reason:
            err.code === 'ENOENT'
              ? `${cmd} is not installed`
              : `${cmd} could not be started (${err.code ?? err.message})`,
        }),
      );
      child.on('spawn', () => {
        child.unref();
        settle({url, opened: true, opener: cmd});
      });
      child.on('exit', (code) => {
        if (code)
          settle({url, opened: false, opener: cmd, reason: `${cmd} failed (exit code ${code})`});
      });
    } catch (err) {
      settle({
        url,
        opened: false,
        opener: cmd,
        reason: `${cmd} could not be started (${(err as Error).message})`,
      });
    }
  });
}

/** Opens a URL in the user's browser; resolves false when no browser can be opened here. */
export async function openUrl(url: string): Promise<boolean> {
  return (await launchBrowser(url)).opened;
}

/**
 * The `open` package's default export, as @azure/identity calls it: never rejects, reports the
 * launch to the registered listener.
 */
export default async function open(target: string): Promise<void> {
  notify(await launchBrowser(target));
}

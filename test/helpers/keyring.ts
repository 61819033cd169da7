import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {createRequire} from 'node:module';

/**
 * A real OS keyring for one test file: a private D-Bus session bus and GNOME Keyring's Secret
 * Service on it, its login keyring created and unlocked under a temporary HOME. Nothing touches
 * the developer's own session or keyring. Debian: dbus-daemon, gnome-keyring (.ci/run installs
 * them, with libsecret-1-dev so keytar builds).
 */
export interface Keyring {
  /** DBUS_SESSION_BUS_ADDRESS for the CLI. */
  address: string;
  stop(): void;
}

const requireHere = createRequire(import.meta.url);

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], {stdio: 'ignore'}).status === 0;
}

/** Whether a package is installed (the optional ones may not be). */
export function resolvable(name: string): boolean {
  try {
    requireHere.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Why a keyring cannot be made here, or undefined when it can. */
export function keyringUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'the keyring tests use GNOME Keyring (Linux only)';
  for (const command of ['dbus-daemon', 'gnome-keyring-daemon'])
    if (!onPath(command)) return `${command} is not installed (Debian: dbus-daemon, gnome-keyring)`;
  if (!resolvable('keytar'))
    return 'keytar is not installed (it builds at npm install time against libsecret-1-dev)';
  if (!resolvable('@azure/identity-cache-persistence'))
    return '@azure/identity-cache-persistence is not installed';
  return undefined;
}

/** Starts the bus and an unlocked keyring whose files live under `home`. */
export async function startKeyring(home: string): Promise<Keyring> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: `${home}/.local/share`,
  };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.DISPLAY;
  const out = execFileSync(
    'dbus-daemon',
    ['--session', '--fork', '--nopidfile', '--print-address=1', '--print-pid=1'],
    {env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']},
  );
  const [address, pidText] = out.trim().split('\n');
  const pid = Number(pidText);
  if (!address || !pid) throw new Error(`dbus-daemon printed no address: ${out}`);
  // --unlock reads the login keyring's password on stdin; a new keyring is created with it.
  await new Promise<void>((resolve, reject) => {
    const daemon = spawn('gnome-keyring-daemon', ['--unlock', '--components=secrets'], {
      env: {...env, DBUS_SESSION_BUS_ADDRESS: address},
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    daemon.on('error', reject);
    daemon.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`gnome-keyring-daemon exited with ${code}`)),
    );
    daemon.stdin.end('test-keyring-password');
  });
  return {
    address,
    // The keyring daemon leaves when its bus goes away.
    stop: () => {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

/** Reads a secret from the keyring on `address` in a child process (keytar, as the CLI uses it). */
export function readKeyring(
  address: string,
  home: string,
  service: string,
  account: string,
): string | null {
  const script = `require(process.env.KEYTAR).getPassword(process.argv[1], process.argv[2]).then((v) => process.stdout.write(JSON.stringify(v)))`;
  const out = execFileSync(process.execPath, ['-e', script, service, account], {
    env: {
      ...process.env,
      HOME: home,
      DBUS_SESSION_BUS_ADDRESS: address,
      KEYTAR: requireHere.resolve('keytar'),
    },
    encoding: 'utf8',
  });
  return JSON.parse(out) as string | null;
}

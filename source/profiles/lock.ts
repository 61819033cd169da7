/**
 * A lock around every read-modify-write of the profile file, so two aml-auth processes saving,
 * renaming or removing at once both keep their change. The lock is a file created with O_EXCL
 * (`wx`) holding the owner's PID and host; it is removed when the write is done. A lock whose
 * owner is gone (same host, PID no longer running) or that is older than STALE_MS is stale and
 * taken over. Synchronous, like the store (it reads and writes synchronously).
 */
import fs from 'node:fs';
import {hostname} from 'node:os';
import {ProfileError} from './errors';

/** A live writer holds the lock for milliseconds; one older than this was left by a crash. */
export const STALE_MS = 30_000;
/** How long to wait for a live holder before giving up with an error that names the lock. */
export const WAIT_MS = 15_000;

const pause = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => Atomics.wait(pause, 0, 0, ms);

const code = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return code(error) === 'EPERM'; // alive, someone else's
  }
}

/** Why the lock at `path` may be taken over, or undefined while its holder may still be writing. */
function staleness(path: string, now: number): string | undefined {
  let text: string;
  let mtime: number;
  try {
    text = fs.readFileSync(path, 'utf8');
    mtime = fs.statSync(path).mtimeMs;
  } catch (error) {
    return code(error) === 'ENOENT' ? 'gone' : undefined;
  }
  const [pidText, host] = text.split('\n');
  const pid = Number(pidText);
  if (host === hostname() && Number.isInteger(pid) && pid > 0 && !running(pid))
    return `process ${pid} is no longer running`;
  // An empty lock is one being written this instant (created, not yet filled): wait, unless old.
  if (now - mtime > STALE_MS) return `it is ${Math.round((now - mtime) / 1000)} s old`;
  return undefined;
}

/** Runs `fn` holding the lock file `path`; the lock is released however `fn` ends. */
export function withLock<T>(path: string, fn: () => T): T {
  const started = Date.now();
  let delay = 2;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(path, 'wx', 0o600);
    } catch (error) {
      if (code(error) !== 'EEXIST') {
        throw new ProfileError('io', `Cannot lock the profile file (${path}): ${String(error)}`, {
          path,
          cause: error,
        });
      }
    }
    if (fd !== undefined) {
      try {
        fs.writeSync(fd, `${process.pid}\n${hostname()}\n`);
      } finally {
        fs.closeSync(fd);
      }
      try {
        return fn();
      } finally {
        fs.rmSync(path, {force: true});
      }
    }
    const stale = staleness(path, Date.now());
    if (stale !== undefined) {
      // Take a stale lock over by renaming it away (only one process can rename a given file),
      // then try again to create ours. Had another process already replaced it with a live lock
      // between our look and the rename, the live one is put back.
      const aside = `${path}.stale-${process.pid}`;
      try {
        fs.renameSync(path, aside);
        if (staleness(aside, Date.now()) === undefined) fs.linkSync(aside, path);
      } catch {
        // another process took it over first, or created a new lock meanwhile
      }
      fs.rmSync(aside, {force: true});
      continue;
    }
    if (Date.now() - started > WAIT_MS) {
      throw new ProfileError('io', `The profile file is locked by another aml-auth (${path}).`, {
        path,
        hint: `If no other aml-auth is running, delete ${path} and try again.`,
      });
    }
    sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
}

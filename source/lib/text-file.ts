/** Reading a small text file a person named (a role file), with a reason a person can act on. */
import {readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {resolve} from 'node:path';

/** `~/x` → the home folder's x; anything else resolved against the working folder. */
export function expandPath(path: string): string {
  const p = path.trim();
  return resolve(p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p);
}

/** The file's text (UTF-8); rejects with one line naming the file and why it cannot be read. */
export async function readTextFile(path: string, maxBytes = 1024 * 1024): Promise<string> {
  const file = expandPath(path);
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder'
            : (code ?? 'unreadable');
    throw new Error(`cannot read ${file} (${why})`, {cause: err});
  }
  if (buf.length > maxBytes) throw new Error(`${file} is too large for a role file`);
  return buf.toString('utf8');
}

import {spawn} from 'node:child_process';

export type ClipboardChannel = 'system' | 'osc52';

/** The first system clipboard tool that exists here, in the order desktop users expect. */
const TOOLS: {cmd: string; args: string[]; when: () => boolean}[] = [
  {cmd: 'pbcopy', args: [], when: () => process.platform === 'darwin'},
  {
    cmd: 'clip.exe',
    args: [],
    when: () => process.platform === 'win32' || !!process.env.WSL_DISTRO_NAME,
  },
  {cmd: 'wl-copy', args: [], when: () => !!process.env.WAYLAND_DISPLAY},
  {cmd: 'xclip', args: ['-selection', 'clipboard'], when: () => !!process.env.DISPLAY},
  {cmd: 'xsel', args: ['--clipboard', '--input'], when: () => !!process.env.DISPLAY},
];

function pipeTo(cmd: string, args: string[], text: string): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args, {stdio: ['pipe', 'ignore', 'ignore']});
      child.on('error', () => resolve(false));
      child.on('close', (code) => resolve(code === 0));
      // A tool that exits before reading everything closes the pipe: EPIPE, not a crash.
      child.stdin.on('error', () => resolve(false));
      child.stdin.end(text);
    } catch {
      resolve(false);
    }
  });
}

/** OSC 52: the terminal itself sets the clipboard — works over SSH (tmux needs set-clipboard on). */
export function osc52(text: string): string {
  const seq = `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
  return process.env.TMUX ? `\u001bPtmux;${seq.split('\u001b').join('\u001b\u001b')}\u001b\\` : seq;
}

/**
 * Copies text to the system clipboard when a clipboard tool is available, else through OSC 52
 * on the given stream. Says which was used, so the UI can tell the user.
 */
export async function copyToClipboard(
  text: string,
  out: NodeJS.WritableStream = process.stdout,
): Promise<ClipboardChannel> {
  for (const tool of TOOLS) {
    if (tool.when() && (await pipeTo(tool.cmd, tool.args, text))) return 'system';
  }
  out.write(osc52(text));
  return 'osc52';
}

// Opening a URL lives with the browser sign-in's opener (it says why it cannot, too).
export {openUrl} from './browser-opener';

import {execFile, spawn} from 'node:child_process';

/**
 * Where a copy went: a system clipboard tool; OSC 52 to the terminal; inside tmux, tmux's own
 * clipboard (`set-clipboard on`) or through it to the terminal (`allow-passthrough on`); through
 * GNU screen to the terminal.
 */
export type ClipboardChannel = 'system' | 'osc52' | 'tmux' | 'tmux-passthrough' | 'screen';

/** A copy that happened, or why none could, with what to do instead. Never "copied" on a guess. */
export type CopyOutcome =
  {ok: true; channel: ClipboardChannel} | {ok: false; reason: string; hint: string};

/** The first system clipboard tool that exists here, in the order desktop users expect. */
const TOOLS: {cmd: string; args: string[]; when: (env: NodeJS.ProcessEnv) => boolean}[] = [
  {cmd: 'pbcopy', args: [], when: () => process.platform === 'darwin'},
  {
    cmd: 'clip.exe',
    args: [],
    when: (env) => process.platform === 'win32' || !!env.WSL_DISTRO_NAME,
  },
  {cmd: 'wl-copy', args: [], when: (env) => !!env.WAYLAND_DISPLAY},
  {cmd: 'xclip', args: ['-selection', 'clipboard'], when: (env) => !!env.DISPLAY},
  {cmd: 'xsel', args: ['--clipboard', '--input'], when: (env) => !!env.DISPLAY},
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

/** OSC 52, "set the clipboard": what the terminal itself acts on (it works over SSH). */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

/**
 * A sequence wrapped in tmux's passthrough (`DCS tmux; … ST`, every ESC inside doubled): tmux
 * hands it to the terminal outside when the pane has `allow-passthrough on`, drops it otherwise.
 */
export function tmuxPassthrough(sequence: string): string {
  return `\u001bPtmux;${sequence.split('\u001b').join('\u001b\u001b')}\u001b\\`;
}

/**
 * OSC 52 through GNU screen: screen passes a DCS string to the terminal outside, but only a
 * short one, so the sequence goes in pieces of 76 characters, each in its own DCS.
 */
export function screenPassthrough(sequence: string): string {
  const pieces = sequence.match(/[\s\S]{1,76}/g) ?? [];
  return pieces.map((p) => `\u001bP${p}\u001b\\`).join('');
}

/** tmux's options that decide what an application's OSC 52 does in this pane. */
export interface TmuxClipboard {
  /** `on`: tmux takes it into its buffer (and passes it on); `external` or `off`: ignored. */
  setClipboard: string;
  /** The pane lets a wrapped sequence through to the terminal outside. */
  passthrough: boolean;
}

/** Asks the tmux server this process runs under (TMUX, TMUX_PANE) for its clipboard options. */
export function readTmuxClipboard(
  env: NodeJS.ProcessEnv = process.env,
): Promise<TmuxClipboard | undefined> {
  return new Promise((resolve) => {
    const target = env.TMUX_PANE ? ['-t', env.TMUX_PANE] : [];
    try {
      execFile(
        'tmux',
        ['display-message', '-p', ...target, '#{set-clipboard}|#{allow-passthrough}'],
        {env, timeout: 2000, encoding: 'utf8'},
        (err, stdout) => {
          if (err) return resolve(undefined);
          const [setClipboard = '', passthrough = ''] = stdout.trim().split('|');
          resolve({
            setClipboard,
            passthrough: ['1', 'on', 'all'].includes(passthrough.trim().toLowerCase()),
          });
        },
      );
    } catch {
      resolve(undefined);
    }
  });
}

export interface CopyDeps {
  env?: NodeJS.ProcessEnv;
  /** System clipboard tools (tests pass none). */
  tools?: boolean;
  tmux?: (env: NodeJS.ProcessEnv) => Promise<TmuxClipboard | undefined>;
}

const BY_HAND = 'copy it by hand: select it with the mouse (in tmux, hold Shift while selecting)';

/**
 * Copies text: a system clipboard tool when there is one, else an OSC 52 sequence to `terminal` —
 * plain, or the way tmux or GNU screen pass it on. Inside tmux it asks tmux first: with
 * `set-clipboard on` a plain OSC 52 reaches tmux's clipboard; with `allow-passthrough on` a
 * wrapped one reaches the terminal; with neither nothing can be copied, and it says so. Without a
 * terminal (`null`: a pipe, a file) only a system tool will do: the sequence holds the text.
 */
export async function copyToClipboard(
  text: string,
  terminal: {write(chunk: string): unknown} | null = process.stdout,
  deps: CopyDeps = {},
): Promise<CopyOutcome> {
  const env = deps.env ?? process.env;
  if (deps.tools !== false) {
    for (const tool of TOOLS) {
      if (tool.when(env) && (await pipeTo(tool.cmd, tool.args, text)))
        return {ok: true, channel: 'system'};
    }
  }
  if (!terminal) {
    return {
      ok: false,
      reason:
        'no clipboard tool (pbcopy, wl-copy, xclip, xsel, clip.exe) and no terminal for OSC 52',
      hint: 'capture the output instead',
    };
  }
  const sequence = osc52(text);
  if (env.TMUX) {
    const tmux = await (deps.tmux ?? readTmuxClipboard)(env);
    if (tmux?.setClipboard === 'on') {
      terminal.write(sequence);
      return {ok: true, channel: 'tmux'};
    }
    if (tmux?.passthrough) {
      terminal.write(tmuxPassthrough(sequence));
      return {ok: true, channel: 'tmux-passthrough'};
    }
    if (tmux) {
      return {
        ok: false,
        reason: `tmux lets no clipboard sequence through here (set-clipboard ${tmux.setClipboard || 'external'}, allow-passthrough off)`,
        hint: `run \`tmux set -g set-clipboard on\` (or \`tmux set -g allow-passthrough on\`) and copy again; or ${BY_HAND}`,
      };
    }
    // tmux could not be asked (no tmux command here?): both forms, neither promised.
    terminal.write(tmuxPassthrough(sequence) + sequence);
    return {ok: true, channel: 'osc52'};
  }
  if (env.STY) {
    terminal.write(screenPassthrough(sequence));
    return {ok: true, channel: 'screen'};
  }
  terminal.write(sequence);
  return {ok: true, channel: 'osc52'};
}

// Opening a URL lives with the browser sign-in's opener (it says why it cannot, too).
export {openUrl} from './browser-opener';

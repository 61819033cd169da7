import type {ClipboardChannel, CopyOutcome} from '../lib/clipboard';

const WHERE: Record<ClipboardChannel, string> = {
  system: 'copied to the clipboard.',
  osc52:
    "sent to your terminal's clipboard (OSC 52 — works over SSH where the terminal allows it).",
  tmux: "copied to tmux's clipboard (set-clipboard on: prefix ] pastes it; tmux passes it on to your terminal's).",
  'tmux-passthrough':
    "sent through tmux to your terminal's clipboard (OSC 52, allow-passthrough on).",
  screen: "sent through screen to your terminal's clipboard (OSC 52).",
};

/**
 * What the user is told after a copy: which clipboard got it — or, when nothing could be copied,
 * that it was not, why, and how to copy by hand. Never "copied" when nothing was.
 */
export function copiedMessage(what: string, outcome: CopyOutcome): string {
  if (outcome.ok) return `${what} ${WHERE[outcome.channel]}`;
  return `Could not copy: ${outcome.reason}. To copy ${lower(what)}, ${outcome.hint}.`;
}

const lower = (what: string) => what.charAt(0).toLowerCase() + what.slice(1);

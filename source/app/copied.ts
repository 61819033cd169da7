import type {ClipboardChannel} from '../lib/clipboard';

/** What the user is told after a copy: which clipboard got it (OSC 52 also works over SSH). */
export function copiedMessage(what: string, channel: ClipboardChannel): string {
  return channel === 'system'
    ? `${what} copied to the clipboard.`
    : `${what} sent to your terminal's clipboard (OSC 52 — works over SSH).`;
}

import {describe, expect, it} from 'vitest';
import {copiedMessage} from '../../source/app/copied';
import {
  copyToClipboard,
  osc52,
  screenPassthrough,
  tmuxPassthrough,
  type TmuxClipboard,
} from '../../source/lib/clipboard';
import {invokeReducer, initialInvoke} from '../../source/app/wizard/steps/invoke/state';
import {
  credentialsReducer,
  initialCredentials,
} from '../../source/app/wizard/steps/credentials/state';

// Which sequence goes where, decided by the multiplexer's own settings (a real tmux runs these
// in test/e2e/clipboard-tmux.test.ts); and what the user is told.

const TEXT = 'key+/=ünï';
const B64 = Buffer.from(TEXT, 'utf8').toString('base64');

function terminal() {
  const written: string[] = [];
  return {written, write: (chunk: string) => written.push(chunk)};
}

const inTmux = (options: TmuxClipboard | undefined) => ({
  tools: false,
  env: {TMUX: '/tmp/tmux-0/default,1,0', TMUX_PANE: '%0'},
  tmux: async () => options,
});

describe('copyToClipboard', () => {
  it('outside a multiplexer: one plain OSC 52', async () => {
    const t = terminal();
    expect(await copyToClipboard(TEXT, t, {tools: false, env: {}})).toEqual({
      ok: true,
      channel: 'osc52',
    });
    expect(t.written).toEqual([`\u001b]52;c;${B64}\u0007`]);
  });

  it('tmux with set-clipboard on: a plain OSC 52, which tmux takes into its clipboard', async () => {
    const t = terminal();
    const out = await copyToClipboard(TEXT, t, inTmux({setClipboard: 'on', passthrough: false}));
    expect(out).toEqual({ok: true, channel: 'tmux'});
    expect(t.written).toEqual([osc52(TEXT)]);
  });

  it('tmux with allow-passthrough on: wrapped in DCS tmux; with every ESC doubled', async () => {
    const t = terminal();
    const out = await copyToClipboard(
      TEXT,
      t,
      inTmux({setClipboard: 'external', passthrough: true}),
    );
    expect(out).toEqual({ok: true, channel: 'tmux-passthrough'});
    expect(t.written).toEqual([`\u001bPtmux;\u001b\u001b]52;c;${B64}\u0007\u001b\\`]);
  });

  it('tmux with neither: nothing written, nothing claimed, and how to fix it', async () => {
    const t = terminal();
    const out = await copyToClipboard(
      TEXT,
      t,
      inTmux({setClipboard: 'external', passthrough: false}),
    );
    expect(t.written).toEqual([]);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.reason).toContain('set-clipboard external, allow-passthrough off');
    expect(out.hint).toContain('tmux set -g set-clipboard on');
    const said = copiedMessage('The credential', out);
    expect(said).toMatch(/^Could not copy: /);
    expect(said).not.toMatch(/\bcopied\b/i);
    expect(said).toContain('To copy the credential, run `tmux set -g set-clipboard on`');
  });

  it('GNU screen: OSC 52 in DCS pieces short enough for screen', async () => {
    const t = terminal();
    const long = 'x'.repeat(500);
    const out = await copyToClipboard(long, t, {tools: false, env: {STY: '1234.pts-0.host'}});
    expect(out).toEqual({ok: true, channel: 'screen'});
    const [written] = t.written;
    // eslint-disable-next-line no-control-regex
    const pieces = [...written!.matchAll(/\u001bP([\s\S]*?)\u001b\\/g)].map((m) => m[1]!);
    expect(pieces.join('')).toBe(osc52(long));
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(76);
    expect(screenPassthrough('abc')).toBe('\u001bPabc\u001b\\');
  });

  it('no terminal (a pipe) and no tool: nothing written anywhere, a failure', async () => {
    const out = await copyToClipboard(TEXT, null, {tools: false, env: {}});
    expect(out).toMatchObject({ok: false, reason: expect.stringContaining('no clipboard tool')});
  });

  it('tmuxPassthrough doubles every ESC inside', () => {
    expect(tmuxPassthrough('\u001b]x\u001b\\')).toBe(
      '\u001bPtmux;\u001b\u001b]x\u001b\u001b\\\u001b\\',
    );
  });
});

describe('what the user is told', () => {
  it('names the clipboard that got it; OSC 52 is "sent", not "copied"', () => {
    expect(copiedMessage('The code', {ok: true, channel: 'system'})).toBe(
      'The code copied to the clipboard.',
    );
    expect(copiedMessage('The code', {ok: true, channel: 'tmux'})).toMatch(/tmux's clipboard/);
    for (const channel of ['osc52', 'tmux-passthrough', 'screen'] as const)
      expect(copiedMessage('The code', {ok: true, channel})).toMatch(/^The code sent /);
  });
});

describe('copy as curl on the invoke screen', () => {
  it('keeps the command as shown with the note, and drops both when the screen moves on', () => {
    const ready = initialInvoke({file: 'req.json'});
    const noted = invokeReducer(ready, {
      type: 'noted',
      note: 'The curl command copied to the clipboard.',
      shown: "curl -sS -X POST 'https://x' \\\n  -H 'Authorization: Bearer ••••abcd'",
    });
    expect(noted).toMatchObject({mode: 'ready', shown: expect.stringContaining('••••abcd')});
    const sending = invokeReducer(noted, {type: 'send'});
    expect(sending).not.toHaveProperty('shown');
  });
});

describe('copy as curl on the credentials screen', () => {
  it('keeps the command as shown with the note; leaving the view drops both', () => {
    const viewing = initialCredentials({authMode: 'key', now: 0});
    const noted = credentialsReducer(viewing, {
      type: 'noted',
      note: 'The curl command (with $DATA_PLANE_TOKEN) sent to your terminal.',
      shown: 'curl -sS -X POST https://x',
    });
    expect(noted).toMatchObject({mode: 'viewing', shown: 'curl -sS -X POST https://x'});
    const asked = credentialsReducer(noted, {type: 'askRegenerate'});
    expect(asked.mode).toBe('confirmingRegen');
    const back = credentialsReducer(asked, {type: 'cancel'});
    expect(back).toMatchObject({mode: 'viewing'});
    if (back.mode !== 'viewing') throw new Error('not viewing');
    expect(back.shown).toBeUndefined();
    expect(back.note).toBeUndefined();
  });
});

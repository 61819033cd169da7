import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it, vi} from 'vitest';
import open, {browserPlan, launchBrowser, onBrowserLaunch} from '../../source/lib/browser-opener';
import {browserPrompt, loopbackOf} from '../../source/azure/browser-sign-in';

// Where a browser can be opened and why not (issue 14): the plan for each platform and
// environment, the launch of a real child process, and what the `open` stand-in reports.

const bin = mkdtempSync(join(tmpdir(), 'aml-auth-opener-'));
const empty = mkdtempSync(join(tmpdir(), 'aml-auth-opener-empty-'));
afterAll(() => {
  rmSync(bin, {recursive: true, force: true});
  rmSync(empty, {recursive: true, force: true});
});
function script(name: string, body: string): string {
  const file = join(bin, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}
script('xdg-open', 'exit 0');
const URL_ = 'https://login.example/t/oauth2/v2.0/authorize?a=1&b=2';

describe('browserPlan', () => {
  it('on Linux without xdg-open: says so', () => {
    expect(browserPlan(URL_, {PATH: empty}, 'linux')).toEqual({
      cmd: 'xdg-open',
      reason: 'xdg-open is not installed',
    });
  });

  it('with xdg-open but no display: says why (an SSH session named as such)', () => {
    expect(browserPlan(URL_, {PATH: bin}, 'linux')).toMatchObject({
      reason: 'there is no graphical display (DISPLAY and WAYLAND_DISPLAY are not set)',
    });
    expect(browserPlan(URL_, {PATH: bin, SSH_CONNECTION: '1 2 3 4'}, 'linux')).toMatchObject({
      reason: 'this is an SSH session without a display (DISPLAY is not set)',
    });
  });

  it('with a display: xdg-open with the URL as one argument', () => {
    expect(browserPlan(URL_, {PATH: bin, DISPLAY: ':0'}, 'linux')).toEqual({
      cmd: 'xdg-open',
      args: [URL_],
    });
    expect(browserPlan(URL_, {PATH: bin, WAYLAND_DISPLAY: 'wayland-0'}, 'linux')).toMatchObject({
      cmd: 'xdg-open',
    });
  });

  it('$BROWSER wins (VS Code remote terminals set it), with %s or the URL appended', () => {
    expect(browserPlan(URL_, {PATH: empty, BROWSER: '/opt/helper.sh'}, 'linux')).toEqual({
      cmd: '/opt/helper.sh',
      args: [URL_],
    });
    expect(browserPlan(URL_, {BROWSER: 'firefox --new-tab %s'}, 'linux')).toEqual({
      cmd: 'firefox',
      args: ['--new-tab', URL_],
    });
  });

  it('macOS and Windows openers, the URL never through a shell', () => {
    expect(browserPlan(URL_, {}, 'darwin')).toEqual({cmd: 'open', args: [URL_]});
    expect(browserPlan(URL_, {}, 'win32')).toEqual({
      cmd: 'rundll32',
      args: ['url.dll,FileProtocolHandler', URL_],
    });
  });
});

describe('launchBrowser and the open stand-in', () => {
  it('an opener that starts is opened', async () => {
    const ok = script('ok-browser', 'exit 0');
    expect(await launchBrowser(URL_, {BROWSER: ok})).toMatchObject({opened: true, opener: ok});
  });

  it('an opener that is missing is not, with the reason', async () => {
    expect(await launchBrowser(URL_, {BROWSER: join(empty, 'nope')})).toMatchObject({
      opened: false,
      reason: `${join(empty, 'nope')} is not installed`,
    });
  });

  it('an opener that starts then fails is reported to the listener afterwards', async () => {
    const bad = script('bad-browser', 'exit 3');
    const seen: unknown[] = [];
    let failed: () => void = () => undefined;
    const reported = new Promise<void>((r) => (failed = r));
    const stop = onBrowserLaunch((launch) => {
      seen.push(launch);
      if (!launch.opened) failed();
    });
    try {
      expect(await launchBrowser(URL_, {BROWSER: bad})).toMatchObject({opened: true});
      await reported;
      expect(seen).toEqual([
        {url: URL_, opened: false, opener: bad, reason: `${bad} failed (exit code 3)`},
      ]);
    } finally {
      stop();
    }
  });

  it('open() never rejects: the listener gets the URL; with none, one line on stderr', async () => {
    const saved = {PATH: process.env.PATH, BROWSER: process.env.BROWSER};
    process.env.PATH = empty;
    delete process.env.BROWSER;
    try {
      const seen: unknown[] = [];
      const stop = onBrowserLaunch((l) => seen.push(l));
      await expect(open(URL_)).resolves.toBeUndefined();
      stop();
      expect(seen).toEqual([
        {url: URL_, opened: false, opener: 'xdg-open', reason: 'xdg-open is not installed'},
      ]);
      const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        await open(URL_);
        expect(write).toHaveBeenCalledWith(
          `No browser could be opened here: xdg-open is not installed. Open this URL in a browser: ${URL_}\n`,
        );
      } finally {
        write.mockRestore();
      }
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.BROWSER !== undefined) process.env.BROWSER = saved.BROWSER;
    }
  });
});

describe('the loopback of an authorize URL', () => {
  const url = `https://sb/t/oauth2/v2.0/authorize?redirect_uri=${encodeURIComponent('http://localhost:41234')}&state=abc`;

  it('gives the port and state', () => {
    expect(loopbackOf(url)).toMatchObject({port: 41234, state: 'abc'});
    expect(browserPrompt({url, opened: false, reason: 'r'})).toEqual({
      url,
      opened: false,
      reason: 'r',
      port: 41234,
    });
  });

  it('none for a URL without a loopback redirect or state', () => {
    expect(loopbackOf('https://sb/authorize?state=abc')).toBeUndefined();
    expect(loopbackOf(url.replace('&state=abc', ''))).toBeUndefined();
    expect(loopbackOf('not a url')).toBeUndefined();
    expect(browserPrompt({url: 'x', opened: true})).toEqual({url: 'x', opened: true});
  });
});

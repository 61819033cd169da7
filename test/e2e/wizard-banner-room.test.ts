import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {KEY, spawnCli, type PtyApp} from '../helpers/pty';
import {saveChurnScorer, signInToEndpoints} from '../helpers/wizard-e2e';

// `aml-auth --sandbox` on an 80×24 terminal: the Roles checklist is taller than the room under
// the header with its three-line sandbox banner. The banner gives way first, so the screen keeps
// its title; it comes back on a screen that fits under it.

const tmp = mkdtempSync(join(tmpdir(), 'aml-auth-banner-'));
let app: PtyApp | undefined;
afterAll(() => {
  app?.kill('SIGKILL');
  rmSync(tmp, {recursive: true, force: true});
});

const BANNER = 'Sandbox cloud at https://127.0.0.1:';

describe('a screen taller than the terminal', () => {
  it('drops the sandbox banner before its own title, and gets the banner back when it fits', async () => {
    app = spawnCli(['--sandbox'], {
      env: {TMPDIR: tmp, AML_AUTH_CONFIG_DIR: join(tmp, '.config')},
      cols: 80,
      rows: 24,
    });
    await signInToEndpoints(app);
    await saveChurnScorer(app);
    // Home fits under the banner.
    expect(app.viewport()).toContain(BANNER);
    await app.press(KEY.enter); // Roles, the first entry
    const roles = await app.waitForText(/✓ read the traffic log[\s\S]*r re-check/, 15_000);
    // The checklist's last row and its keys are on screen, and so are the header and the title.
    await new Promise((r) => setTimeout(r, 300));

    const settled = app.viewport();
    expect(roles).toContain('read the traffic log');
    expect(settled).toMatch(/^aml-auth · Roles · sandbox/);
    expect(settled).toContain('signed in as owner@contoso.sandbox');
    expect(settled).toContain('Roles for owner@contoso.sandbox (User) on churn-scorer');
    expect(settled).toContain('read the endpoint');
    expect(settled).not.toContain(BANNER);

    await app.press(KEY.escape);
    await app.waitForText(BANNER);
    expect(app.screen()).toContain('Saved profile churn-scorer');
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);
});

import {describe, expect, it} from 'vitest';
import {KEY} from '../helpers/pty';
import {signInToEndpoints, wizardSandbox} from '../helpers/wizard-e2e';

// A terminal shrunk to 40×10 while the wizard runs (issue 14's bad inputs): the header, the
// highlighted item and the footer of keys stay on screen, keys still work, and it reflows back.

const env = wizardSandbox('small-terminal');

describe('a 40×10 terminal', () => {
  it('lists keep the highlighted row on screen, keys go on working, and a larger size reflows', async () => {
    const app = env.wizard({cols: 100, rows: 32});
    await signInToEndpoints(app);
    await app.waitForText('churn-scorer');

    app.resize(40, 10);
    await app.press(KEY.down);
    await app.waitForText(/↑ 1 more/);
    const small = app.viewport();
    const lines = small.split('\n');
    expect(lines.length).toBeLessThanOrEqual(10);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
    // The title line, the highlighted row and the footer (`? help` first) are all visible.
    expect(lines[0]).toMatch(/^aml-auth · /);
    expect(small).toMatch(/^› \S+/m);
    expect(lines.at(-1)).toMatch(/^\? help {2}/);

    // Moving further keeps the cursor in view; the hidden rows are counted, not lost.
    await app.press(KEY.down);
    await app.waitForText(/↑ 2 more/);
    const cursor = app
      .viewport()
      .split('\n')
      .find((l) => l.startsWith('› '));
    expect(cursor).toBeDefined();

    app.resize(100, 32);
    // The full footer again (at 40 columns it was cut to one line starting with `? help`).
    for (let i = 0; i < 200 && !/esc back {2}\? help/.test(app.viewport()); i++)
      await new Promise((r) => setTimeout(r, 25));
    const large = app.viewport();
    expect(large).toMatch(/esc back {2}\? help/);
    expect(large).toContain('churn-scorer');
    expect(large).not.toMatch(/↑ \d+ more/);
    // The item chosen at 40 columns is still the highlighted one.
    const name = cursor!.slice(2).split(' ')[0]!.replace(/…$/, '');
    expect(large).toMatch(new RegExp(`^› ${name}`, 'm'));
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  });
});

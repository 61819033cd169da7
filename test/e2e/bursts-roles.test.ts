import {describe, expect, it} from 'vitest';
import {KEY, type PtyApp} from '../helpers/pty';
import {signInToEndpoints, saveChurnScorer, wizardSandbox} from '../helpers/wizard-e2e';
import {principal} from '../helpers/sandbox';

// The roles step, with keys that arrive together (a paste, key repeat, a busy terminal): each
// burst below is one write to the pseudo-terminal, and every key of it must count, in order.

const e2e = wizardSandbox('bursts-roles');

/** Signs in as the owner and opens the Roles step of churn-scorer. */
async function atRoles(): Promise<PtyApp> {
  const app = e2e.wizard({cols: 110, rows: 36});
  await signInToEndpoints(app);
  await saveChurnScorer(app);
  await app.press(KEY.enter); // Roles, the first entry
  await app.waitForText('list keys', 15_000);
  return app;
}

describe('bursts of keys in the roles step', () => {
  it('the object-ID form: a pasted ID, two erased letters, ↓ ↓ and enter in one write all count', async () => {
    const app = await atRoles();
    const id = principal(e2e.sandbox, 'scientist').objectId;
    await app.press('p');
    await app.waitForText('Check another principal');
    // The ID with two extra letters erased again, User → Group → ServicePrincipal (↓ ↓), submit.
    // (Tab and Enter right after text would arrive as pasted text: Ink splits a write at escape
    // sequences and backspaces, so the type is changed with arrows here.)
    await app.burst(id, 'z', 'z', KEY.backspace, KEY.backspace, KEY.down, KEY.down, KEY.enter);
    const checked = await app.waitForText(`Roles for ${id}`, 15_000);
    expect(checked).toContain(`Roles for ${id} (ServicePrincipal) on churn-scorer`);
    expect(checked).not.toContain('Check another principal');

    // l then esc in one write: the assignments open and close again; esc does not leave Roles.
    await app.waitForText(/[✓✗] list keys/, 15_000);
    await app.burst('l', KEY.escape);
    await new Promise((r) => setTimeout(r, 400));
    const after = await app.waitForText(`Roles for ${id}`);
    expect(after).not.toContain('Save profile');
    expect(after).not.toContain('Role assignments at');
    await app.press('l');
    await app.waitForText('Role assignments at workspace ws-dev');
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);
});

import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {KEY} from '../helpers/pty';
import {request, subscriptionId, tokenFor} from '../helpers/sandbox';
import {saveChurnScorer, signInToEndpoints, wizardSandbox} from '../helpers/wizard-e2e';

// The wizard's Roles screen with the guide's own role file, in a pseudo-terminal against the
// sandbox: the file's placeholders are filled from the endpoint, the role is defined as written,
// assigned, and a second time reused rather than created again.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const roleFile = join(root, 'test/e2e/guide/custom-role-for-scoring.json');
const env = wizardSandbox('role-file');

async function assignFromFile(app: ReturnType<typeof env.wizard>): Promise<void> {
  await app.press('a');
  await app.waitForText('Which role?');
  await app.type('role file');
  await app.waitForText('from a role file…');
  await app.press(KEY.enter);
  await app.waitForText('Custom role from a file');
  await app.type(roleFile);
  await app.press(KEY.enter);
  await app.waitForText('Assign to whom?', 15_000);
  await app.press(KEY.enter); // me
  await app.waitForText('At which scope?');
  await app.press(KEY.down, KEY.enter); // this endpoint
  await app.waitForText('defined as written in');
  await app.press('y');
}

describe('the Roles screen with a role file', () => {
  it('defines the guide’s scoring role from its file, assigns it, and reuses it the second time', async () => {
    const app = env.wizard({rows: 40});
    await signInToEndpoints(app);
    await saveChurnScorer(app);
    await app.press(KEY.enter); // Roles
    await app.waitForText('list keys', 15_000);

    await assignFromFile(app);
    await app.waitForText('(custom role created)', 20_000);
    await app.waitForText('r re-check');
    await assignFromFile(app);
    const again = await app.waitForText(
      /already has Custom role for scoring - online endpoint/,
      20_000,
    );
    expect(again).toMatch(/nothing\s+was created/);

    const sub = subscriptionId(env.sandbox);
    const token = await tokenFor(env.sandbox, 'ops-automation');
    const res = await request(
      env.sandbox,
      `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter=${encodeURIComponent("type eq 'CustomRole'")}`,
      {headers: {authorization: `Bearer ${token}`}},
    );
    const roles = (
      res.json() as {value: {properties: {roleName: string; assignableScopes: string[]}}[]}
    ).value
      .map((r) => r.properties)
      .filter((r) => r.roleName === 'Custom role for scoring - online endpoint');
    expect(roles).toEqual([
      expect.objectContaining({
        assignableScopes: [`/subscriptions/${sub}/resourceGroups/rg-ws-dev`],
      }),
    ]);
    app.kill();
  }, 90_000);
});

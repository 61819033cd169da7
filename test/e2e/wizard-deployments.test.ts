import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {KEY, type PtyApp} from '../helpers/pty';
import {signInToEndpoints, wizardSandbox} from '../helpers/wizard-e2e';

// A new user's way from an empty endpoint to a scored request without leaving the app, in a real
// pseudo-terminal against the sandbox: create the endpoint, invoke (404), create blue with all
// traffic, invoke (200), create green, split 90/10 and send 50, mirror 10 % to green, find the
// mirrored request in green's logs by its request ID, delete green (refused, then allowed), and
// follow a model error (424) to the logs. And a YAML with local paths changes nothing.

const box = wizardSandbox('deployments');
const WIDE = {cols: 160, rows: 46};
const ctrlU = KEY.ctrl('u');

/** The x-request-id of the answer on screen. */
const requestIdOn = (screen: string) =>
  /x-request-id ([0-9a-f-]{36})/.exec(screen)?.[1] ?? expect.fail(`no request ID on:\n${screen}`);

async function createEndpoint(app: PtyApp, name: string) {
  await signInToEndpoints(app);
  await app.press(KEY.ctrl('n'));
  await app.waitForText('New online endpoint in ws-dev');
  await app.type(name);
  await app.press(KEY.enter, KEY.enter, KEY.enter);
  await app.waitForText(`Create ${name} in ws-dev`);
  await app.press('y');
  await app.waitForText(`Auth mode of ${name}`, 15_000);
  await app.press('k');
  await app.waitForText('Save this setup as a profile');
  await app.press(KEY.enter);
  await app.waitForText(`Saved profile ${name}`);
}

/** From home: the entry by its label (the menu remembers the last one; start from the top). */
async function openEntry(app: PtyApp, label: 'Invoke' | 'Deployments') {
  await app.waitForText('Save profile remember this setup');
  for (let i = 0; i < 6; i++) await app.press(KEY.up);
  await app.press(KEY.down, KEY.down);
  if (label === 'Deployments') await app.press(KEY.down);
  await app.press(KEY.enter);
  await app.waitForText(label === 'Invoke' ? 'Invoke pty-journey' : 'Deployments of pty-journey');
}

/** In the create flow: pick the model version by filter, the environment by its row, defaults. */
async function createDeployment(
  app: PtyApp,
  model: string,
  environmentDowns: number,
  name: string,
): Promise<string> {
  await app.press('c');
  await app.waitForText('Which registered model version');
  await app.type(model);
  await app.waitForText(`› ${model}`);
  await app.press(KEY.enter);
  await app.waitForText(`Environment for ${model}`);
  for (let i = 0; i < environmentDowns; i++) await app.press(KEY.down);
  await app.press(KEY.enter);
  await app.waitForText(`Name: ${name}`);
  await app.press(KEY.enter, KEY.enter, KEY.enter, KEY.enter);
  await app.waitForText(`Create ${name} on pty-journey from azureml:${model}`);
  await app.press('y');
  await app.waitForText(`✓ ${name} created (Succeeded)`, 25_000);
  // The list is read again after the change: wait for it to show the new one.
  return app.waitForText(new RegExp(`› ${name}\\s+Succeeded`));
}

describe('Deployments in the wizard (PTY)', () => {
  it('an empty endpoint to a scored request: blue, green 90/10, a mirror, logs by request ID, delete', async () => {
    const app = box.wizard(WIDE);
    await createEndpoint(app, 'pty-journey');

    // Invoke: nothing takes traffic yet — and the answer leads to the Deployments screen.
    await openEntry(app, 'Invoke');
    await app.press(KEY.enter);
    await app.waitForText('404: no deployment to route to');
    await app.waitForText('press d to open Deployments');
    await app.press('d');
    await app.waitForText('No deployments yet');

    // blue from a registered MLflow model, without an environment, with all the traffic.
    const blue = await createDeployment(app, 'credit-risk:1', 0, 'blue');
    expect(blue).toContain('with 100% of the traffic');
    expect(blue).toMatch(/› blue\s+Succeeded\s+100%/);
    expect(blue).toContain('Deployments of pty-journey · live blue 100%');

    // Back on invoke (where the screen was opened from): 200 from blue.
    await app.press(KEY.escape);
    await app.waitForText('Invoke pty-journey');
    await app.press(KEY.enter);
    const ok = await app.waitForText(/200 · \d+ ms · deployment blue/);
    expect(ok).not.toContain('404: no deployment');

    // green, on the curated environment; then split 90/10 in one burst of keys.
    await app.press(KEY.escape);
    await openEntry(app, 'Deployments');
    const green = await createDeployment(app, 'credit-risk:2', 1, 'green');
    expect(green).toContain('green created (Succeeded) — it takes no traffic yet');
    expect(green).toContain('environment azureml:AzureML-sklearn-1.5:18');
    await app.press('t');
    await app.waitForText('Traffic split');
    await app.burst(ctrlU, '9', '0', KEY.down, ctrlU, '1', '0');
    await app.waitForText('✓ blue 90% · green 10%');
    await app.press(KEY.enter);
    await app.waitForText('Apply blue 90% · green 10% to pty-journey?');
    await app.press('y');
    await app.waitForText('✓ traffic applied: blue 90% · green 10%', 15_000);

    // Send 50: both deployments answer, in those shares.
    await app.press(KEY.escape);
    await openEntry(app, 'Invoke');
    await app.press('n');
    await app.waitForText('How many requests');
    await app.press(ctrlU);
    await app.type('50');
    await app.press(KEY.enter);
    const fifty = await app.waitForText(/50 requests · p50/, 30_000);
    expect(fifty).toContain('blue 90% · green 10%');

    // Mirror 10 % to green (its live traffic to blue first: Azure's rule).
    await app.press(KEY.escape);
    await openEntry(app, 'Deployments');
    await app.press('t');
    await app.waitForText('Traffic split');
    await app.burst(ctrlU, '1', '0', '0', KEY.down, ctrlU, '0', KEY.right, ctrlU, '1', '0');
    await app.waitForText('✓ blue 100% · green 0% · mirror 10% to green');
    await app.press(KEY.enter);
    await app.press('y');
    await app.waitForText('✓ traffic applied: blue 100% · green 0% · mirror 10% to green', 15_000);
    await app.waitForText('· mirror green 10%');

    // Ten requests: the callers get blue; the tenth is the one mirrored to green.
    await app.press(KEY.escape);
    await openEntry(app, 'Invoke');
    await app.press('n');
    await app.waitForText('How many requests');
    await app.press(ctrlU);
    await app.type('9');
    await app.press(KEY.enter);
    const nine = await app.waitForText(/9 requests · p50/, 20_000);
    expect(nine).toMatch(/\bblue 100%/);
    const ninth = requestIdOn(nine);
    await app.press(KEY.enter);
    const tenth = requestIdOn(
      await app.waitForText(
        new RegExp(`200 · \\d+ ms · deployment blue · x-request-id (?!${ninth})[0-9a-f-]{36}`),
      ),
    );

    // green's logs have it, marked as mirrored.
    await app.press(KEY.escape);
    await openEntry(app, 'Deployments');
    await app.press(KEY.down);
    await app.waitForText(/› green/);
    await app.press('l');
    await app.waitForText('Logs of green · inference-server');
    const logs = await app.waitForText(`request_id=${tenth} (mirrored)`);
    expect(logs).toContain('POST /score 200');

    // Delete green: refused while it gets mirror traffic, with the way out; allowed after.
    await app.press(KEY.escape);
    await app.waitForText(/› green/);
    await app.press('x');
    await app.waitForText(
      'green cannot be deleted: green receives 10% mirror traffic. Azure refuses to delete a deployment',
    );
    await app.press('t');
    await app.waitForText('Traffic split');
    await app.burst(KEY.down, KEY.right, ctrlU, '0');
    await app.waitForText(/✓ blue 100% · green 0%$/m);
    await app.press(KEY.enter);
    await app.press('y');
    await app.waitForText('✓ traffic applied: blue 100% · green 0%\n', 15_000);
    await app.waitForText(/› green/);
    await app.press('x');
    await app.waitForText('Delete deployment green of pty-journey?');
    await app.press('y');
    const deleted = await app.waitForText('✓ green deleted', 20_000);
    expect(deleted).not.toMatch(/› green|^\s+green\s+Succeeded/m);
    expect(deleted).toMatch(/› blue\s+Succeeded\s+100%/);
  }, 240_000);

  it('a model error (424) leads to the answering deployment’s logs; a YAML with local paths changes nothing', async () => {
    const bad = join(box.configDir, 'three-features.json');
    writeFileSync(bad, JSON.stringify({input_data: [[1, 2, 3]]}));
    const yaml = join(box.configDir, 'blue-deployment.yml');
    writeFileSync(
      yaml,
      `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json
name: teal
endpoint_name: churn-scorer
model:
  path: ../../model-1/model/
code_configuration:
  code: ../../model-1/onlinescoring/
  scoring_script: score.py
environment:
  conda_file: ../../model-1/environment/conda.yaml
  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest
instance_type: Standard_DS3_v2
instance_count: 1
`,
    );
    const app = box.wizard(WIDE);
    const first = await app.waitForText(/How do you want to sign in\?|Resume/);
    if (first.includes('Resume')) {
      await app.press(KEY.down, KEY.enter);
    }
    await signInToEndpoints(app);
    await app.press(KEY.enter); // churn-scorer
    await app.waitForText('Auth mode of churn-scorer');
    await app.press('k');
    await app.waitForText('Save this setup as a profile');
    await app.press(KEY.enter);
    await app.waitForText('Saved profile churn-scorer');
    await app.press(KEY.down, KEY.down, KEY.enter);
    await app.waitForText('Invoke churn-scorer');
    await app.press('f');
    await app.waitForText('Request file');
    await app.press(ctrlU);
    await app.type(bad);
    await app.press(KEY.enter);
    await app.press(KEY.enter);
    const answer = await app.waitForText(/424 · \d+ ms · deployment (blue|green)/);
    const from = /424 · \d+ ms · deployment (blue|green)/.exec(answer)![1]!;
    const id = requestIdOn(answer);
    await app.waitForText(`press l for the logs of ${from}`);
    await app.press('l');
    await app.waitForText(`Logs of ${from} · inference-server`);
    const logs = await app.waitForText(new RegExp(`POST /score 424 [\\d.]+ms request_id=${id}`));
    expect(logs).toContain(
      'Encountered Exception: ValueError: Expected 4 features per row; row 0 has 3.',
    );
    // Esc returns to invoke, where the logs were opened from.
    await app.press(KEY.escape);
    await app.waitForText('Invoke churn-scorer');

    // The YAML: one clear message, the az commands, and the list as it was.
    await app.press(KEY.escape);
    await app.waitForText('Save profile remember this setup');
    await app.press(KEY.down, KEY.enter);
    await app.waitForText('Deployments of churn-scorer');
    await app.waitForText(/› blue\s+Succeeded\s+90%/);
    await app.press('f');
    await app.waitForText('Deployment YAML');
    await app.type(yaml);
    await app.press(KEY.enter);
    const refused = await app.waitForText('aml-auth does not upload them, and nothing was changed');
    expect(refused).toContain('• model.path: ../../model-1/model/');
    expect(refused).toContain('• environment.conda_file: ../../model-1/environment/conda.yaml');
    expect(refused).toContain(
      'az ml model create --name teal-model --version 1 --path ../../model-1/model/ -g rg-ws-dev -w ws-dev',
    );
    expect(refused).toContain('az ml environment create --name teal-env --version 1');
    await app.press(KEY.enter);
    const list = await app.waitForText(/› blue\s+Succeeded\s+90%/);
    expect(list).not.toContain('teal');
    expect(list).toMatch(/green\s+Succeeded\s+10%/);
  }, 120_000);
});

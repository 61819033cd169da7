import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {type AppEnvironment, EnvProvider} from '../../source/app/app-context';
import {Wizard} from '../../source/app/wizard/app';
import type {WizardState} from '../../source/app/wizard/state';
import type {Endpoint} from '../../source/domain/types';
import {
  endpoint,
  fakeServices,
  signInResult,
  subscriptions,
  testEnv,
  workspaces,
} from '../helpers/fake-services';
import {keys, renderApp} from '../helpers/ink';

// The Deployments screen in the wizard with fake Services: what it asks of them, and what it shows.

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());
const dir = mkdtempSync(join(tmpdir(), 'aml-deployments-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

function home(e: Endpoint): WizardState {
  const subscription = subscriptions[0]!;
  const workspace = workspaces[0]!;
  return {
    screen: {step: 'home', ctx: {subscription, workspace, endpoint: e}},
    history: [{step: 'endpoint', subscription, workspace, current: e}],
    session: {method: 'device-code', params: {}, result: signInResult()},
    managementToken: signInResult().managementToken,
    help: false,
  };
}

function start(env: AppEnvironment, state: WizardState) {
  const app = renderApp(
    <EnvProvider value={env}>
      <Wizard initial={state} />
    </EnvProvider>,
  );
  cleanup = app.unmount;
  return app;
}

async function openDeployments(app: ReturnType<typeof start>) {
  await app.waitForText('Save profile');
  await app.press(keys.down, keys.down, keys.down, keys.enter);
  await app.waitForText('Deployments of churn');
}

describe('Deployments step', () => {
  it('lists the deployments with their settings; creates one from a picked model with all traffic', async () => {
    const services = fakeServices();
    const app = start(testEnv({services}), home(endpoint('churn', {traffic: {blue: 100}})));
    await openDeployments(app);
    const list = await app.waitForText(/› blue\s+Succeeded\s+100%/);
    expect(list).toContain('Standard_DS3_v2 × 1');
    expect(list).toContain('azureml:churn-model:3');
    await app.press('c');
    await app.waitForText('credit-risk:1');
    await app.type('credit');
    const filtered = await app.waitForText('› credit-risk:1');
    expect(filtered).not.toContain('churn-model:4');
    await app.press(keys.enter);
    await app.waitForText('Environment for credit-risk:1');
    await app.press(keys.down, keys.down, keys.enter); // the curated one
    await app.waitForText('Name: green');
    await app.press(keys.enter, keys.enter, keys.enter);
    await app.press(keys.right); // all traffic: no → yes
    await app.waitForText('All traffic: [yes] no');
    await app.press(keys.enter);
    await app.waitForText('Create green on churn from azureml:credit-risk:1');
    await app.press('y');
    await app.waitForText('✓ green created (Succeeded) with 100% of the traffic');
    expect(services.calls.createDeployment).toEqual([
      [
        expect.objectContaining({endpoint: 'churn'}),
        {
          name: 'green',
          model: 'azureml:credit-risk:1',
          environment: 'azureml:AzureML-sklearn-1.5:18',
          instanceType: 'Standard_DS3_v2',
          instanceCount: 1,
        },
        {allTraffic: true},
      ],
    ]);
    // The list was read again after the change.
    expect(services.calls.listDeployments!.length).toBeGreaterThanOrEqual(2);
  });

  it('the traffic editor refuses a split that does not add up, and applies one that does', async () => {
    const services = fakeServices();
    const app = start(testEnv({services}), home(endpoint('churn', {traffic: {blue: 100}})));
    await openDeployments(app);
    await app.waitForText(/› blue/);
    await app.press('t');
    await app.waitForText('Traffic split');
    await app.press(keys.ctrl('u'), '9', '0');
    await app.waitForText('✗ the traffic split adds up to 90%');
    await app.press(keys.enter);
    expect(app.frame()).not.toContain('Apply ');
    await app.press(keys.ctrl('u'), '1', '0', '0', keys.enter);
    await app.waitForText('Apply blue 100% to churn?');
    await app.press('y');
    await app.waitForText('✓ traffic applied: blue 100%');
    expect(services.calls.setTraffic).toEqual([
      [expect.objectContaining({endpoint: 'churn'}), {traffic: {blue: 100}, mirrorTraffic: {}}],
    ]);
  });

  it('delete is refused while the deployment takes traffic, with the way out; logs scroll', async () => {
    const services = fakeServices();
    const app = start(testEnv({services}), home(endpoint('churn', {traffic: {blue: 100}})));
    await openDeployments(app);
    await app.waitForText(/› blue/);
    await app.press('x');
    await app.waitForText('blue cannot be deleted: blue takes 100% of the live traffic');
    expect(app.frame()).toContain('Move its traffic to another deployment first (t)');
    expect(services.calls.deleteDeployment).toBeUndefined();
    await app.press(keys.enter);
    await app.press('l');
    const logs = await app.waitForText('line 60 request_id=r60');
    expect(logs).toContain('lines 51–60 of 60');
    expect(logs).not.toContain('line 50 ');
    await app.press(keys.up, keys.up);
    await app.waitForText('lines 49–58 of 60');
    await app.press(keys.tab);
    await app.waitForText('storage-initializer');
    expect(
      services.calls.deploymentLogs!.map((c) => (c[2] as {container: string}).container),
    ).toEqual(['inference-server', 'storage-initializer']);
  });

  it('a YAML of registered references fills the form (another endpoint named is said) and keeps its settings', async () => {
    const file = join(dir, 'teal.yml');
    writeFileSync(
      file,
      'name: teal\nendpoint_name: other-ep\nmodel: azureml:credit-risk@latest\ninstance_count: 2\nrequest_settings:\n  request_timeout_ms: 3000\n',
    );
    const services = fakeServices();
    const app = start(testEnv({services}), home(endpoint('churn', {traffic: {blue: 100}})));
    await openDeployments(app);
    await app.waitForText(/› blue/);
    await app.press('f');
    await app.waitForText('Deployment YAML');
    await app.type(file);
    await app.press(keys.enter);
    const form = await app.waitForText('model azureml:credit-risk@latest');
    expect(form).toContain(
      'The file names endpoint other-ep: this creates the deployment on churn.',
    );
    expect(form).toContain('Instance count: 2');
    await app.press(keys.enter);
    await app.waitForText('Create teal on churn');
    await app.press('y');
    await app.waitForText('✓ teal created');
    expect(services.calls.createDeployment![0]![1]).toMatchObject({
      name: 'teal',
      model: 'azureml:credit-risk@latest',
      instanceCount: 2,
      requestSettings: {requestTimeoutMs: 3000},
    });
  });
});

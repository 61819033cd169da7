import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {KEY, spawnCli, type PtyApp} from '../helpers/pty';
import {principal, request, startTestSandbox, subscriptionId, tokenFor} from '../helpers/sandbox';

// The end-to-end check, in a real terminal: the owner turns traffic logging on for
// fraud-aad; scoring-client (Entra token) and the owner score it, and a wrong-audience token is
// refused; the traffic log shows both callers with AADToken and their object IDs, and the 401
// as a failure with its reason.

const AZUREML_DATA_SCIENTIST = 'f6c7c914-8db3-469d-8ca1-694a8f32e121';
let sandbox: RunningSandbox;
let configDir: string;
const running: PtyApp[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox({
    autoApprove: 'owner',
    autoApproveDelayMs: 200,
    ingestionDelayMs: 30_000,
  });
  configDir = mkdtempSync(join(tmpdir(), 'aml-auth-traffic-'));
});
afterAll(async () => {
  for (const app of running) app.kill('SIGKILL');
  await sandbox?.stop();
  if (configDir) rmSync(configDir, {recursive: true, force: true});
});

function wizard(): PtyApp {
  const app = spawnCli(['--cloud', sandbox.descriptor.cloudFile], {
    env: {AML_AUTH_CONFIG_DIR: configDir},
    cols: 110,
    rows: 40,
  });
  running.push(app);
  return app;
}

const SAMPLE = readFileSync(join(process.cwd(), 'assets/sample-request.json'), 'utf8');
const score = (token: string) =>
  request(sandbox, `${sandbox.url}/inference/fraud-aad.eastus/score`, {
    method: 'POST',
    headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'},
    body: SAMPLE,
  });

describe('the Traffic log screen, in a real terminal against the sandbox', () => {
  it('turns logging on for fraud-aad and shows who called with which auth type', async () => {
    // scoring-client may score fraud-aad (AzureML Data Scientist holds …/score/action).
    const sub = subscriptionId(sandbox);
    const scope = `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev/onlineEndpoints/fraud-aad`;
    const client = principal(sandbox, 'scoring-client');
    const owner = principal(sandbox, 'owner');
    const assigned = await request(
      sandbox,
      `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=2022-04-01`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${await tokenFor(sandbox, 'ops-automation')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          properties: {
            roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${AZUREML_DATA_SCIENTIST}`,
            principalId: client.objectId,
            principalType: 'ServicePrincipal',
          },
        }),
      },
    );
    expect(assigned.status).toBe(201);

    const app = wizard();
    await app.waitForText('How do you want to sign in?');
    await app.press(KEY.enter); // device code
    await app.waitForText('Tenant:');
    await app.press(KEY.enter);
    await app.waitForText('Signed in', 15_000);
    await app.press(KEY.enter);
    await app.waitForText('Sandbox Prod');
    await app.press(KEY.enter); // Sandbox Dev
    await app.waitForText('ws-experiments');
    await app.press(KEY.enter); // ws-dev
    await app.waitForText('fraud-aad');
    await app.press(KEY.down, KEY.enter); // fraud-aad
    await app.waitForText('Auth mode of fraud-aad');
    await app.press('k');
    await app.waitForText('Save this setup as a profile');
    await app.press(KEY.enter);
    await app.waitForText('Saved profile fraud-aad');
    // Traffic log is the last entry of the home.
    await app.waitForText('Traffic log');
    await app.burst(...Array<string>(6).fill(KEY.down));
    await app.press(KEY.enter);

    await app.waitForText('Traffic logging is off');
    expect(app.screen()).toContain('No diagnostic settings on this endpoint.');
    await app.press('e');
    await app.waitForText('Send the traffic log to which Log Analytics workspace?');
    await app.waitForText('law-dev');
    await app.press(KEY.enter);
    await app.waitForText('Send the traffic log of fraud-aad to law-dev (rg-ws-dev)?');
    await app.press('y');
    const on = await app.waitForText('Traffic logging is on', 15_000);
    // The note wraps with the terminal's width.
    expect(on.replace(/\s+/g, ' ')).toContain('In Azure, records take a few minutes to appear.');
    expect(on).toMatch(/aml-auth-traffic-log → law-dev TrafficLog ✓/);

    // Two identities call with Entra tokens; a management token (wrong audience) is refused.
    expect(
      (await score(await tokenFor(sandbox, 'scoring-client', 'https://ml.azure.com/.default')))
        .status,
    ).toBe(200);
    expect(
      (await score(await tokenFor(sandbox, 'owner', 'https://ml.azure.com/.default'))).status,
    ).toBe(200);
    expect((await score(await tokenFor(sandbox, 'scoring-client'))).status).toBe(401);

    // Before the ingestion delay nothing shows; after it, everything does.
    await app.press('r');
    await app.waitForText('No requests in this window');
    sandbox.advanceClock(31_000);
    await app.press('r');
    const log = await app.waitForText(/3 requests · AADToken 3/, 15_000);
    expect(log).toMatch(/scoring-client 2, owner@contoso\.sandbox 1 · 33% failed \(1\)/);
    expect(log).toMatch(/401\s+AADToken\s+scoring-client\s+aad_token_invalid_audience/);
    expect(log).toMatch(/200\s+AADToken\s+owner@contoso\.sandbox\s+OK/);
    expect(log).toMatch(/200\s+AADToken\s+scoring-client\s+OK/);
    // The newest (the 401) is highlighted: its identity is scoring-client's object ID.
    expect(log).toContain(`identity ${client.objectId} (scoring-client)`);
    await app.press(KEY.down);
    await app.waitForText(`identity ${owner.objectId} (owner@contoso.sandbox)`);

    // Failures only: the one 401, with its reason.
    await app.press('f');
    const failures = await app.waitForText(
      /1 request · AADToken 1 · scoring-client 1 · 100% failed \(1\)/,
    );
    expect(failures).toContain('failures only');
    // The KQL the screen runs, as the Logs blade would take it.
    await app.press('k');
    const kql = await app.waitForText('| where ResponseCode != 200');
    expect(kql).toContain('| where EndpointName == "fraud-aad"');
    expect(kql).toContain('AmlOnlineEndpointTrafficLog');
    await app.press(KEY.escape);
    await app.waitForText('Save profile');
    await app.press('q');
    expect((await app.exited()).exitCode).toBe(0);
  }, 120_000);
});

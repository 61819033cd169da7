import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {type AppEnvironment, EnvProvider} from '../../source/app/app-context';
import {setClockSource, tickerState} from '../../source/app/hooks/use-now';
import {Wizard} from '../../source/app/wizard/app';
import type {WizardState} from '../../source/app/wizard/state';
import type {Endpoint} from '../../source/domain/types';
import type {Services} from '../../source/domain/services';
import {
  endpoint,
  fakeServices,
  okInvokeResult,
  readerPermissions,
  signInResult,
  subscriptions,
  testEnv,
  workspaces,
} from '../helpers/fake-services';
import {keys, renderApp} from '../helpers/ink';

let cleanup: (() => void) | undefined;
afterAll(() => rmSync(dir, {recursive: true, force: true}));
afterEach(() => {
  cleanup?.();
  setClockSource(Date.now);
});

const dir = mkdtempSync(join(tmpdir(), 'aml-part2-'));
const requestFile = join(dir, 'req.json');
writeFileSync(requestFile, '{"input_data": {"data": [[1, 2, 3, 4]]}}');
const badFile = join(dir, 'bad.json');
writeFileSync(badFile, '{\n  "input_data": [1, 2,]\n}');
const roleFile = join(dir, 'custom-role-for-scoring.json');
writeFileSync(
  roleFile,
  JSON.stringify({
    Name: 'Custom role for scoring - online endpoint',
    IsCustom: true,
    Description: 'Can score against online endpoints.',
    Actions: ['Microsoft.MachineLearningServices/workspaces/onlineEndpoints/*/action'],
    NotActions: [],
    AssignableScopes: ['/subscriptions/<subscriptionId>/resourcegroups/<resourceGroupName>'],
  }),
);

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

async function open(app: ReturnType<typeof start>, entry: 'Roles' | 'Credentials' | 'Invoke') {
  await app.waitForText('Save profile');
  const steps = {Roles: 0, Credentials: 1, Invoke: 2}[entry];
  for (let i = 0; i < steps; i++) await app.press(keys.down);
  await app.press(keys.enter);
}

describe('roles', () => {
  it('shows the preflight checklist with what the auth mode needs', async () => {
    const services = fakeServices({myPermissions: async () => readerPermissions});
    const app = start(testEnv({services}), home(endpoint('churn')));
    await open(app, 'Roles');
    const f = await app.waitForText('list keys');
    expect(f).toMatch(/✓ read the endpoint\s+needed/);
    expect(f).toMatch(/✗ list keys\s+needed/);
    expect(f).toMatch(/✗ assign roles\s+optional/);
    // Without roleAssignments/write: the exact az commands to hand to an admin.
    expect(f).toContain('You cannot assign roles here');
    expect(f).toContain(
      'az role assignment create --assignee-object-id 11111111-1111-1111-1111-111111111111',
    );
    // The key endpoint lacks listKeys: the hand-off is a role that grants it (built-in AzureML
    // Data Scientist at the workspace), not Score Only, which does not.
    const flat = f.replace(/[│╭╮╰╯─]/g, '').replace(/\s+/g, ' ');
    expect(flat).toContain(
      `Hand these commands to an admin (an Owner or User Access Administrator of /subscriptions/s/`,
    );
    expect(flat).toContain('they assign AzureML Data Scientist:');
    expect(flat).toContain("--role 'f6c7c914-8db3-469d-8ca1-694a8f32e121'");
    expect(f).not.toContain('Score Only');
    expect(f).not.toContain('az role definition create');
  });

  it("another principal's role definition it may not read: the check goes on and names it", async () => {
    const unreadable = {
      roleDefinitionId:
        '/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7',
      scope: workspaces[0]!.id,
      reason: 'AuthorizationFailed: no roleDefinitions/read',
    };
    const services = fakeServices({
      principalPermissions: async () => ({blocks: readerPermissions, unreadable: [unreadable]}),
    });
    const app = start(testEnv({services}), home(endpoint('churn')));
    await open(app, 'Roles');
    await app.waitForText('list keys');
    await app.press('p');
    await app.waitForText('Check another principal');
    await app.type('44444444-4444-4444-4444-444444444444');
    await app.press(keys.enter);
    const f = await app.waitForText('could not read role definition');
    expect(f).toMatch(/✓ read the endpoint\s+needed/);
    expect(f).toMatch(/✗ list keys\s+needed/);
    expect(f.replace(/\s+/g, '')).toContain(unreadable.roleDefinitionId);
    expect(f).toContain('AuthorizationFailed: no roleDefinitions/read');
    expect(f).not.toMatch(/bad input|Can't read the permissions/i);
  });

  it('assigns a role to another principal, detects an identical assignment, and re-checks', async () => {
    const services = fakeServices();
    const app = start(testEnv({services}), home(endpoint('fraud', {authMode: 'aad_token'})));
    await open(app, 'Roles');
    await app.waitForText('score with an Entra token');
    await app.press('p');
    await app.waitForText('Check another principal');
    await app.type('44444444-4444-4444-4444-444444444444');
    await app.press(keys.tab, keys.tab); // User → Group → ServicePrincipal
    await app.waitForText('[ServicePrincipal]');
    await app.press(keys.enter);
    await app.waitForText('Roles for 44444444-4444-4444-4444-444444444444');
    expect(services.calls.principalPermissions?.[0]?.[0]).toMatchObject({
      objectId: '44444444-4444-4444-4444-444444444444',
      type: 'ServicePrincipal',
    });
    const assign = async () => {
      await app.press('a');
      await app.waitForText('Which role?');
      await app.press(keys.enter); // score-only (first, recommended)
      await app.waitForText('Assign to whom?');
      await app.press(keys.down, keys.enter); // the principal just checked
      await app.waitForText('At which scope?');
      await app.press(keys.down, keys.enter); // this endpoint
      await app.waitForText('assignable scope');
      await app.press(keys.enter); // resource group
      await app.waitForText('Assign Online Endpoint Score Only (aml-auth) to 44444444');
      await app.press('y');
    };
    await assign();
    await app.waitForText('Assigned Online Endpoint Score Only (aml-auth) (custom role created)');
    const [roleId, principal, scope] = services.calls.assignRole![0]!;
    expect(String(roleId)).toMatch(/roleDefinitions\//);
    expect(principal).toMatchObject({type: 'ServicePrincipal'});
    expect(scope).toBe(endpoint('fraud').id);
    await assign();
    await app.waitForText(
      /already has Online Endpoint Score Only \(aml-auth\) at this\s+scope: nothing was created/,
    );
    expect(services.calls.ensureRoleDefinition).toHaveLength(2);
  });
});

describe('roles from a file', () => {
  it('loads the guide’s role file, fills its scope from the endpoint, defines it and assigns it', async () => {
    const services = fakeServices();
    const app = start(testEnv({services}), home(endpoint('fraud', {authMode: 'aad_token'})));
    await open(app, 'Roles');
    await app.waitForText('score with an Entra token');
    await app.press('a');
    await app.waitForText('from a role file');
    await app.type('role file');
    await app.waitForText('from a role file…');
    await app.press(keys.enter);
    await app.waitForText('Custom role from a file');
    // A file that is not there: one line, and the field stays for another try.
    await app.type(join(dir, 'missing.json'));
    await app.press(keys.enter);
    await app.waitForText('no such file');
    for (let i = 0; i < join(dir, 'missing.json').length; i++) await app.press(keys.backspace);
    await app.type(roleFile);
    await app.press(keys.enter);
    await app.waitForText('Assign to whom?');
    await app.press(keys.enter); // me
    await app.waitForText('At which scope?');
    await app.press(keys.enter); // the workspace
    // The file says where the role may be assigned: no question about it.
    const f = await app.waitForText('Assign Custom role for scoring - online endpoint to');
    expect(f.replace(/\s+/g, ' ')).toContain('defined as written in');
    await app.press('y');
    await app.waitForText('(custom role created)');
    const [definition] = services.calls.defineRole![0]!;
    expect(definition).toMatchObject({
      roleName: 'Custom role for scoring - online endpoint',
      assignableScopes: [`/subscriptions/${workspaces[0]!.subscriptionId}/resourcegroups/rg1`],
    });
    expect(services.calls.ensureRoleDefinition).toBeUndefined();
    expect(String(services.calls.assignRole![0]![0])).toMatch(/roleDefinitions\/77777777-/);
  });

  it('a role of that name that differs is not changed from the screen: it says how', async () => {
    const services = fakeServices({
      defineRole: async (definition) => ({
        outcome: 'differs',
        role: {
          id: '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/r',
          name: 'r',
          roleName: definition.roleName,
          description: '',
          roleType: 'CustomRole',
          permissions: [],
          assignableScopes: definition.assignableScopes,
        },
        differences: ['Actions drops x/read'],
      }),
    });
    const app = start(testEnv({services}), home(endpoint('fraud', {authMode: 'aad_token'})));
    await open(app, 'Roles');
    await app.waitForText('score with an Entra token');
    await app.press('a');
    await app.waitForText('Which role?');
    await app.type('role file');
    await app.press(keys.enter);
    await app.waitForText('Custom role from a file');
    await app.type(roleFile);
    await app.press(keys.enter);
    await app.waitForText('Assign to whom?');
    await app.press(keys.enter);
    await app.waitForText('At which scope?');
    await app.press(keys.enter);
    await app.waitForText('defined as written');
    await app.press('y');
    const f = await app.waitForText('exists and differs');
    expect(f.replace(/\s+/g, ' ')).toContain('--update');
    expect(services.calls.assignRole).toBeUndefined();
  });
});

describe('credentials', () => {
  it('masks keys, reveals and copies on request, and regenerates after confirming', async () => {
    const env = testEnv();
    const app = start(env, home(endpoint('churn')));
    await open(app, 'Credentials');
    const f = await app.waitForText('primary');
    expect(f).toContain('••••0001');
    expect(f).not.toContain('pk-0000000000000000000000000000000000000001');
    await app.press('v');
    await app.waitForText('pk-0000000000000000000000000000000000000001');
    await app.press('v', 'c');
    await app.waitForText('OSC 52');
    expect(env.copied).toEqual(['pk-0000000000000000000000000000000000000001']);
    await app.press('g');
    await app.waitForText('Regenerate the primary key of churn?');
    expect(app.frame()).toMatch(/move clients to the secondary key[\s│]+first/);
    await app.press('y');
    await app.waitForText('(new)');
    const services = env.services as ReturnType<typeof fakeServices>;
    expect(services.calls.regenerateKey?.[0]?.[1]).toBe('primary');
    // The primary shown is the regenerated key, not the old one.
    expect(app.frame()).toMatch(/› primary\s+••••\S{4} \(new\)/);
    expect(app.frame()).not.toMatch(/› primary\s+••••0001/);
  });

  it('counts an aml token down and refreshes it automatically at refresh-after', async () => {
    let clock = Date.now();
    setClockSource(() => clock);
    let issued = 0;
    const services = fakeServices({
      amlToken: async () => {
        issued += 1;
        const now = clock;
        return {
          kind: 'aml_token',
          value: `tok-${issued}-abcdefghijklmnop`,
          expiresOn: now + 90_000,
          refreshAfter: now + 45_000,
        };
      },
    });
    const app = start(testEnv({services}), home(endpoint('loan', {authMode: 'aml_token'})));
    await open(app, 'Credentials');
    await app.waitForText('refresh after');
    expect(app.frame()).toMatch(/expires .* · 1m 30s/);
    clock += 46_000;
    setClockSource(() => clock);
    await app.waitForText('Refreshed automatically');
    expect(issued).toBe(2);
    expect(app.frame()).toMatch(/expires .* · 1m 30s/);
    await app.press('a'); // auto-refresh off
    await app.waitForText('auto-refresh off');
    clock += 46_000;
    setClockSource(() => clock);
    await app.waitForText('44s');
    expect(issued).toBe(2);
    // Countdowns share one ticker; leaving the screen unsubscribes all of its countdowns.
    const onScreen = tickerState().listeners;
    await app.press(keys.escape);
    await app.waitForText('Save profile');
    expect(tickerState().listeners).toBe(1); // the header's management-token countdown
    expect(onScreen).toBeGreaterThan(1);
    expect(tickerState().running).toBe(true);
  });

  it('warns when an Entra token has the management audience', async () => {
    const services = fakeServices({
      aadToken: async () => ({
        kind: 'aad_token',
        value: `${Buffer.from('{}').toString('base64url')}.${Buffer.from(JSON.stringify({aud: 'https://management.azure.com'})).toString('base64url')}.x`,
        expiresOn: Date.now() + 3_600_000,
      }),
    });
    const app = start(testEnv({services}), home(endpoint('fraud', {authMode: 'aad_token'})));
    await open(app, 'Credentials');
    await app.waitForText('is not the ML audience');
  });
});

/** On invoke: target the 0 % deployment v2 by name (`t`, third entry) and send to it. */
async function targetV2AndSend(app: ReturnType<typeof start>) {
  await app.press('t');
  await app.waitForText('reachable only by name');
  await app.press(keys.down, keys.down, keys.enter);
  await app.waitForText('target deployment v2');
  await app.press(keys.enter);
  await app.waitForText('deployment v2');
}

describe('invoke', () => {
  it('validates the request file before sending, with line and column', async () => {
    const env = testEnv({sampleRequest: badFile});
    const app = start(env, home(endpoint('churn')));
    await open(app, 'Invoke');
    await app.waitForText('request');
    await app.press(keys.enter);
    await app.waitForText('is not valid JSON at line 2, column 23');
    expect((env.services as ReturnType<typeof fakeServices>).calls.invoke).toBeUndefined();
  });

  it('sends with the cached credential, shows status, deployment and request ID, and targets a deployment', async () => {
    const services = fakeServices({
      listDeployments: async () => [
        {name: 'v1', trafficPercent: 100},
        {name: 'v2', trafficPercent: 0},
      ],
    });
    const app = start(
      testEnv({services, sampleRequest: requestFile}),
      home(endpoint('loan', {authMode: 'aml_token'})),
    );
    await open(app, 'Invoke');
    await app.waitForText('traffic-routed');
    await app.press(keys.enter);
    await app.waitForText('200');
    expect(app.frame()).toContain('x-request-id 33333333-3333-3333-3333-333333333333');
    await targetV2AndSend(app);
    expect(services.calls.amlToken).toHaveLength(1); // fetched once, reused
    expect(services.calls.invoke).toHaveLength(2);
  });

  it('explains a 401 and a 424, and sends N with p50/p95', async () => {
    let n = 0;
    const services: Services = fakeServices({
      invoke: async () => {
        n += 1;
        if (n === 1)
          return okInvokeResult({status: 401, body: 'key_auth_access_denied', deployment: ''});
        if (n === 2)
          return okInvokeResult({
            status: 424,
            body: '{"error": "Expected 4 features"}',
            modelError: {statusCode: '400', reason: 'model_error'},
          });
        return okInvokeResult({latencyMs: n, deployment: n % 2 ? 'blue' : 'green'});
      },
    });
    const app = start(testEnv({services, sampleRequest: requestFile}), home(endpoint('churn')));
    await open(app, 'Invoke');
    await app.waitForText('traffic-routed');
    await app.press(keys.enter);
    await app.waitForText('401: the key was refused');
    await app.press(keys.enter);
    await app.waitForText('424: the model returned an error');
    expect(app.frame()).toContain('The model answered 400 (model_error).');
    await app.press('n');
    await app.waitForText('How many requests');
    await app.press(keys.backspace, keys.backspace);
    await app.type('4');
    await app.press(keys.enter);
    await app.waitForText('4 requests · p50');
    expect(app.frame()).toMatch(/blue 50% · green 50%/);
  });
});

describe('switching endpoints', () => {
  it("starts the next endpoint's screens fresh: invoke target, home cursor and profile name", async () => {
    const services = fakeServices({
      listDeployments: async () => [
        {name: 'v1', trafficPercent: 100},
        {name: 'v2', trafficPercent: 0},
      ],
    });
    const app = start(testEnv({services, sampleRequest: requestFile}), home(endpoint('churn')));
    await open(app, 'Invoke');
    await app.waitForText('traffic-routed');
    await targetV2AndSend(app);
    await app.press(keys.escape); // home, with Invoke highlighted
    let frame = await app.waitForText('Save profile');
    expect(frame).toMatch(/› Invoke/);
    await app.press(keys.escape); // the endpoint list
    await app.waitForText('fraud');
    await app.press(keys.down, keys.enter); // fraud
    await app.waitForText('Auth mode of fraud');
    await app.press('k');
    frame = await app.waitForText('Save this setup as a profile');
    expect(frame).toContain('Profile name: fraud');
    await app.press(keys.enter);
    frame = await app.waitForText('Saved profile fraud');
    expect(frame).toMatch(/› Roles/); // the cursor of churn's home stayed there
    await open(app, 'Invoke');
    frame = await app.waitForText('traffic-routed');
    expect(frame).not.toContain('target deployment v2');
    // One Esc back to home, one more to the list: no walking back through auth mode and save.
    await app.press(keys.escape);
    await app.waitForText('Save profile');
    await app.press(keys.escape);
    await app.waitForText('Choose an online endpoint');
  });
});

import {randomUUID} from 'node:crypto';
import {createServer} from 'node:net';
import {inspect} from 'node:util';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {resolveCloud} from '../../source/azure/clouds';
import {ServiceError} from '../../source/azure/errors';
import {createServices} from '../../source/azure/services';
import {decodeJwt} from '../../source/domain/token';
import type {
  AppError,
  CloudConfig,
  EndpointRef,
  OperationProgress,
  PrincipalRef,
} from '../../source/domain/types';
import type {Services} from '../../source/domain/services';
import {ACTIONS, allows} from '../../source/domain/permissions';
import {ROLE_CHOICES} from '../../source/domain/roles';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, startTestSandbox, subscriptionId} from '../helpers/sandbox';

const ML = 'Microsoft.MachineLearningServices/workspaces';
const DATA_SCIENTIST = 'f6c7c914-8db3-469d-8ca1-694a8f32e121';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SAMPLE = JSON.stringify({
  input_data: {columns: ['a', 'b', 'c', 'd'], data: [[12, 70.5, 1, 0]]},
});

let sandbox: RunningSandbox;
let cloud: CloudConfig;
let sub: string;
let wsScope: string;
let owner: Services;
let scientist: Services;
let scientistRef: PrincipalRef;
let scoringClientRef: PrincipalRef;

const READER_ID = () =>
  `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
const template = (id: string) => ROLE_CHOICES.find((c) => c.id === id)!.template;
const ref = (endpoint: string): EndpointRef => ({
  subscriptionId: sub,
  resourceGroup: 'rg-ws-dev',
  workspace: 'ws-dev',
  endpoint,
});
const scopeOf = (endpoint: string) => `${wsScope}/onlineEndpoints/${endpoint}`;

const fast = (c: CloudConfig = cloud) =>
  createServices(c, {pollIntervalMs: 50, progressIntervalMs: 100});

async function signInUser(services: Services, user: string) {
  return services.signIn(
    'device-code',
    {},
    {onDeviceCode: (prompt) => sandbox.approveDeviceCode(prompt.userCode, user)},
  );
}

/** The AppError a Service call rejected with. */
async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServiceError);
  return (err as ServiceError).appError;
}

let scoringUris: Record<string, string> = {};

beforeAll(async () => {
  // Small pages: permissions, assignments and definitions are followed across nextLinks.
  sandbox = await startTestSandbox({pageSize: 1});
  cloud = await resolveCloud(sandbox.descriptor.cloudFile);
  sub = subscriptionId(sandbox);
  wsScope = `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/${ML}/ws-dev`;
  owner = fast();
  scientist = fast();
  const [, who] = await Promise.all([
    signInUser(owner, 'owner'),
    signInUser(scientist, 'scientist'),
  ]);
  scientistRef = {objectId: who.identity.objectId, type: 'User', label: who.identity.name};
  scoringClientRef = {
    objectId: principal(sandbox, 'scoring-client').objectId,
    type: 'ServicePrincipal',
    label: 'scoring-client',
  };
  const ws = (await owner.listWorkspaces(sub)).find((w) => w.name === 'ws-dev')!;
  scoringUris = Object.fromEntries(
    (await owner.listEndpoints(ws)).map((e) => [e.endpoint, e.scoringUri!]),
  );
});
afterAll(() => sandbox?.stop());
afterEach(() => sandbox.setFaults(''));

describe('permissions and role assignments', () => {
  it('the scientist (Reader on ws-dev) can read the endpoint but not list its keys', async () => {
    const blocks = await scientist.myPermissions(ref('churn-scorer'));
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) {
      expect(b).toEqual({
        actions: expect.any(Array),
        notActions: expect.any(Array),
        dataActions: expect.any(Array),
        notDataActions: expect.any(Array),
      });
    }
    expect(allows(blocks, ACTIONS.read)).toBe(true);
    expect(allows(blocks, ACTIONS.listKeys)).toBe(false);
    expect(allows(blocks, ACTIONS.assignRoles)).toBe(false);

    const mine = await owner.myPermissions(ref('churn-scorer'));
    expect(allows(mine, ACTIONS.listKeys)).toBe(true);
    expect(allows(mine, ACTIONS.assignRoles)).toBe(true);

    const e = await failure(scientist.listKeys(ref('churn-scorer')));
    expect(e.kind).toBe('permission');
    expect(e.hint).toContain('onlineEndpoints/listKeys/action');
  });

  it('the scientist cannot assign roles: a permission error that names the admin to ask, at the workspace', async () => {
    const role = await scientist.ensureRoleDefinition(template('data-scientist'), wsScope);
    const e = await failure(scientist.assignRole(role.id, scientistRef, wsScope));
    expect(e.kind).toBe('permission');
    expect(e.title).toBe("You can't assign roles here");
    expect(e.code).toBe('AuthorizationFailed');
    expect(e.nextSteps[0]).toContain(
      `Ask an Owner or User Access Administrator of ${wsScope} to assign the role for you`,
    );
    // No commands come with an error: it does not say to hand them over.
    expect(e.nextSteps.join(' ')).not.toMatch(/hand the commands/i);
  });

  it('a role definition the caller may not read does not stop the check: it is named, the rest counted', async () => {
    // The scientist (Reader on ws-dev) reads the assignments there, but not the definitions at
    // the subscription their IDs name.
    const mine = await scientist.principalPermissions(scientistRef, ref('churn-scorer'));
    expect(mine.blocks).toEqual([]);
    expect(mine.unreadable).toEqual([
      {
        roleDefinitionId: READER_ID(),
        scope: wsScope,
        reason: expect.stringMatching(
          /^AuthorizationFailed: .*Microsoft\.Authorization\/roleDefinitions\/read/,
        ),
      },
    ]);
    // The owner reads it: nothing unreadable.
    const seen = await owner.principalPermissions(scientistRef, ref('churn-scorer'));
    expect(seen.unreadable).toEqual([]);
    expect(allows(seen.blocks, ACTIONS.read)).toBe(true);
  });

  it('a built-in role resolves to its ID at the subscription without any write', async () => {
    sandbox.clearRequests();
    const role = await owner.ensureRoleDefinition(
      template('data-scientist'),
      scopeOf('churn-scorer'),
    );
    expect(role).toEqual({
      id: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${DATA_SCIENTIST}`,
      roleName: 'AzureML Data Scientist',
      created: false,
    });
    expect(sandbox.requests()).toEqual([]);
  });

  it('the owner assigns AzureML Data Scientist to the scientist once; the second time it already exists', async () => {
    const before = await owner.principalPermissions(scientistRef, ref('churn-scorer'));
    expect(allows(before.blocks, ACTIONS.read)).toBe(true);
    expect(allows(before.blocks, ACTIONS.listKeys)).toBe(false);

    const role = await owner.ensureRoleDefinition(template('data-scientist'), wsScope);
    const first = await owner.assignRole(role.id, scientistRef, wsScope);
    expect(first.existed).toBe(false);
    expect(first.assignment).toMatchObject({
      scope: wsScope,
      roleName: 'AzureML Data Scientist',
      principalId: scientistRef.objectId,
      principalType: 'User',
      inherited: false,
    });
    expect(first.assignment.name).toMatch(GUID);
    expect(first.assignment.id).toBe(
      `${wsScope}/providers/Microsoft.Authorization/roleAssignments/${first.assignment.name}`,
    );

    sandbox.clearRequests();
    const second = await owner.assignRole(role.id, scientistRef, wsScope);
    expect(second.existed).toBe(true);
    expect(second.assignment.name).toBe(first.assignment.name);
    expect(sandbox.requests().filter((r) => r.method === 'PUT')).toEqual([]);

    const after = await owner.principalPermissions(scientistRef, ref('churn-scorer'));
    expect(allows(after.blocks, ACTIONS.listKeys)).toBe(true);
    expect(allows(after.blocks, ACTIONS.token)).toBe(true);
    // The scientist sees it too, and can now list keys.
    expect(allows(await scientist.myPermissions(ref('churn-scorer')), ACTIONS.listKeys)).toBe(true);
    const keys = await scientist.listKeys(ref('churn-scorer'));
    expect(keys.primaryKey).not.toBe('');
  });

  it('an assignment that already exists (seeded) is found before any PUT', async () => {
    // The scientist is Reader on ws-dev from the seed.
    sandbox.clearRequests();
    const result = await owner.assignRole(READER_ID(), scientistRef, wsScope);
    expect(result.existed).toBe(true);
    expect(result.assignment).toMatchObject({roleName: 'Reader', scope: wsScope, inherited: false});
    expect(sandbox.requests().filter((r) => r.method === 'PUT')).toEqual([]);
  });

  it('two identical assignments racing: one is created, the other reports it', async () => {
    const role = `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${DATA_SCIENTIST}`;
    const at = scopeOf('loan-aml');
    sandbox.clearRequests();
    const results = await Promise.all([
      owner.assignRole(role, scientistRef, at),
      owner.assignRole(role, scientistRef, at),
    ]);
    expect(results.map((r) => r.existed).sort()).toEqual([false, true]);
    expect(results[0]!.assignment.name).toBe(results[1]!.assignment.name);
    expect(results[1]!.assignment.roleName).toBe('AzureML Data Scientist');
    const created = sandbox.requests().filter((r) => r.method === 'PUT' && r.status === 201);
    expect(created).toHaveLength(1);
  });

  it('a 409 RoleAssignmentExists means it existed, even when assignments cannot be read', async () => {
    // An identity that may write role assignments but not read them skips the check and PUTs.
    const assignOnly = await owner.ensureRoleDefinition(
      {
        roleName: 'Assign Only (access test)',
        description: 'roleAssignments/write and nothing else',
        permissions: [
          {
            actions: ['Microsoft.Authorization/roleAssignments/write'],
            notActions: [],
            dataActions: [],
            notDataActions: [],
          },
        ],
      },
      wsScope,
    );
    await owner.assignRole(assignOnly.id, scoringClientRef, wsScope);
    const app = fast();
    const sp = principal(sandbox, 'scoring-client');
    await app.signIn(
      'service-principal',
      {clientId: sp.clientId!, clientSecret: sp.clientSecret!},
      {},
    );
    // The scientist is Reader on ws-dev from the seed.
    sandbox.clearRequests();
    const result = await app.assignRole(READER_ID(), scientistRef, wsScope);
    expect(result.existed).toBe(true);
    expect(result.assignment).toMatchObject({
      scope: wsScope,
      principalId: scientistRef.objectId,
      roleDefinitionId: READER_ID(),
      inherited: false,
    });
    const puts = sandbox.requests().filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.status)).toEqual([409]);
  });

  it('the score-only custom role is created once and reused after', async () => {
    const rgScope = `/subscriptions/${sub}/resourceGroups/rg-ws-dev`;
    const first = await owner.ensureRoleDefinition(template('score-only'), rgScope);
    expect(first.created).toBe(true);
    expect(first.roleName).toBe('Online Endpoint Score Only (aml-auth)');
    expect(first.id).toMatch(
      new RegExp(
        `^/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/[0-9a-f-]{36}$`,
      ),
    );
    const second = await owner.ensureRoleDefinition(template('score-only'), rgScope);
    expect(second).toEqual({...first, created: false});
    // A scope inside its assignable scope reuses it as well.
    const inside = await owner.ensureRoleDefinition(template('score-only'), wsScope);
    expect(inside).toEqual({...first, created: false});
  });

  it('a custom role that exists only for a narrower scope is explained, not duplicated', async () => {
    const narrow = await owner.ensureRoleDefinition(template('control-plane'), scopeOf('loan-aml'));
    expect(narrow.created).toBe(true);
    const e = await failure(owner.ensureRoleDefinition(template('control-plane'), wsScope));
    expect(e.kind).toBe('conflict');
    expect(e.title).toContain("exists but can't be assigned at this scope");
    expect(e.detail).toContain(scopeOf('loan-aml'));
    expect(e.hint).toMatch(/unique in a directory/);
  });

  it('the score-only role lets a client app score an aad_token endpoint', async () => {
    const app = fast();
    const sp = principal(sandbox, 'scoring-client');
    await app.signIn(
      'service-principal',
      {clientId: sp.clientId!, clientSecret: sp.clientSecret!},
      {},
    );
    const token = await app.aadToken();
    const request = {scoringUri: scoringUris['fraud-aad']!, credential: token.value, body: SAMPLE};

    const denied = await app.invoke(request);
    expect(denied.status).toBe(401);
    expect(denied.authError).toContain('score/action');

    const role = await owner.ensureRoleDefinition(
      template('score-only'),
      `/subscriptions/${sub}/resourceGroups/rg-ws-dev`,
    );
    const assigned = await owner.assignRole(role.id, scoringClientRef, scopeOf('fraud-aad'));
    expect(assigned.existed).toBe(false);
    expect(assigned.assignment.roleName).toBe('Online Endpoint Score Only (aml-auth)');
    expect(assigned.assignment.principalType).toBe('ServicePrincipal');

    const allowed = await owner.principalPermissions(scoringClientRef, ref('fraud-aad'));
    expect(allows(allowed.blocks, ACTIONS.score)).toBe(true);
    expect(allows(allowed.blocks, ACTIONS.listKeys)).toBe(false);
    // Assigned at fraud-aad only: nothing on its neighbour.
    const neighbour = await owner.principalPermissions(scoringClientRef, ref('loan-aml'));
    expect(allows(neighbour.blocks, ACTIONS.score)).toBe(false);

    const ok = await app.invoke(request);
    expect(ok.status).toBe(200);
    expect(ok.deployment).toBe('main');
  });

  it('a wrong principal type, an unknown principal and a non-GUID are clear errors', async () => {
    const role = `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${DATA_SCIENTIST}`;
    const unmatched = await failure(
      owner.assignRole(role, {...scoringClientRef, type: 'User'}, wsScope),
    );
    expect(unmatched).toMatchObject({
      kind: 'invalid',
      code: 'UnmatchedPrincipalType',
      title: 'That principal is a ServicePrincipal, not a User',
    });

    const unknown = await failure(
      owner.assignRole(role, {objectId: randomUUID(), type: 'User'}, wsScope),
    );
    expect(unknown).toMatchObject({kind: 'notFound', code: 'PrincipalNotFound'});
    expect(unknown.hint).toMatch(/object ID/);

    sandbox.clearRequests();
    const notGuid = await failure(
      owner.assignRole(role, {objectId: 'scientist@contoso.sandbox', type: 'User'}, wsScope),
    );
    expect(notGuid.kind).toBe('invalid');
    expect(sandbox.requests()).toEqual([]);
  });

  it('lists assignments at a scope with the inherited ones above it, role names resolved', async () => {
    const list = await owner.listRoleAssignments(scopeOf('churn-scorer'));
    const ownerId = principal(sandbox, 'owner').objectId;
    expect(list).toContainEqual(
      expect.objectContaining({
        roleName: 'Owner',
        scope: `/subscriptions/${sub}`,
        principalId: ownerId,
        principalType: 'User',
        inherited: true,
      }),
    );
    expect(list).toContainEqual(
      expect.objectContaining({
        roleName: 'AzureML Data Scientist',
        scope: wsScope,
        principalId: scientistRef.objectId,
        inherited: true,
      }),
    );
    // Assignments on a sibling endpoint are neither at nor above this scope.
    expect(list.some((a) => a.scope.endsWith('/fraud-aad'))).toBe(false);

    const atWorkspace = await owner.listRoleAssignments(wsScope);
    const reader = atWorkspace.find((a) => a.roleName === 'Reader');
    expect(reader).toMatchObject({scope: wsScope, inherited: false});
    // Direct assignments come first.
    const firstInherited = atWorkspace.findIndex((a) => a.inherited);
    expect(atWorkspace.slice(firstInherited).every((a) => a.inherited)).toBe(true);
  });
});

describe('credentials', () => {
  it('lists keys and regenerates one: it really changes, with progress, and the old key stops working', async () => {
    const churn = ref('churn-scorer');
    const before = await owner.listKeys(churn);
    expect(before.primaryKey).not.toBe(before.secondaryKey);

    const progress: OperationProgress[] = [];
    await owner.regenerateKey(churn, 'secondary', (p) => progress.push(p));
    expect(progress[0]!.provisioningState).toBe('Updating');
    expect(progress.at(-1)!.provisioningState).toBe('Succeeded');
    const elapsed = progress.map((p) => p.elapsedMs);
    expect(elapsed).toEqual([...elapsed].sort((a, b) => a - b));

    const after = await owner.listKeys(churn);
    expect(after.primaryKey).toBe(before.primaryKey);
    expect(after.secondaryKey).not.toBe(before.secondaryKey);

    const uri = scoringUris['churn-scorer']!;
    const old = await owner.invoke({
      scoringUri: uri,
      credential: before.secondaryKey,
      body: SAMPLE,
    });
    expect(old.status).toBe(401);
    const fresh = await owner.invoke({
      scoringUri: uri,
      credential: after.secondaryKey,
      body: SAMPLE,
    });
    expect(fresh.status).toBe(200);
  });

  it('an aborted regeneration rejects as cancelled', async () => {
    const controller = new AbortController();
    const e = await failure(
      owner.regenerateKey(
        ref('churn-scorer'),
        'primary',
        () => controller.abort(),
        controller.signal,
      ),
    );
    expect(e.kind).toBe('cancelled');
  });

  it('an Azure ML token carries its expiry and refresh-after in epoch milliseconds', async () => {
    const now = Date.now();
    const t = await owner.amlToken(ref('loan-aml'));
    expect(t.kind).toBe('aml_token');
    expect(t.value.split('.')).toHaveLength(3);
    expect(t.expiresOn).toBeGreaterThan(now);
    expect(t.expiresOn).toBeLessThan(now + 2 * 86_400_000);
    expect(t.refreshAfter).toBeGreaterThan(now);
    expect(t.refreshAfter).toBeLessThan(t.expiresOn!);

    const scored = await owner.invoke({
      scoringUri: scoringUris['loan-aml']!,
      credential: t.value,
      body: SAMPLE,
      deployment: 'v2',
    });
    expect(scored.status).toBe(200);
    expect(scored.deployment).toBe('v2');
  });

  it('an Entra token for scoring has the ML audience', async () => {
    const now = Date.now();
    const t = await owner.aadToken();
    expect(t.kind).toBe('aad_token');
    expect(decodeJwt(t.value).claims.aud).toBe('https://ml.azure.com');
    expect(t.expiresOn).toBeGreaterThan(now);
    expect(t.expiresOn).toBeLessThan(now + 2 * 3_600_000);
  });
});

describe('invoke', () => {
  let key: string;
  let uri: string;
  beforeAll(async () => {
    key = (await owner.listKeys(ref('churn-scorer'))).primaryKey;
    uri = scoringUris['churn-scorer']!;
  });

  it('scores with a key: status, deployment, request ID, content type and latency; no secret in headers', async () => {
    const r = await owner.invoke({scoringUri: uri, credential: key, body: SAMPLE});
    expect(r.status).toBe(200);
    expect(['blue', 'green']).toContain(r.deployment);
    expect(r.requestId).toMatch(GUID);
    expect(r.contentType).toMatch(/^application\/json/);
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(() => JSON.parse(r.body)).not.toThrow();
    for (const name of Object.keys(r.headers)) expect(name).toBe(name.toLowerCase());
    expect(r.headers['x-request-id']).toBe(r.requestId);
    expect(r.headers.authorization).toBeUndefined();
    expect(JSON.stringify(r)).not.toContain(key);
  });

  it('a Buffer body and the deployment header target one deployment', async () => {
    const r = await owner.invoke({
      scoringUri: uri,
      credential: key,
      body: Buffer.from(SAMPLE),
      deployment: 'green',
    });
    expect(r.status).toBe(200);
    expect(r.deployment).toBe('green');
  });

  it('a wrong key is a 401 result with the reason from WWW-Authenticate, not a throw', async () => {
    const wrong = `${key.slice(0, -4)}AAAA`;
    const r = await owner.invoke({scoringUri: uri, credential: wrong, body: SAMPLE});
    expect(r.status).toBe(401);
    expect(r.authError).toBe('The key is not a current primary or secondary key of this endpoint.');
    expect(r.headers['www-authenticate']).toMatch(
      /^Bearer error="invalid_token", error_description=/,
    );
    expect(JSON.stringify(r)).not.toContain(wrong);
  });

  it('a payload with three features is a 424 with the model error headers', async () => {
    const body = JSON.stringify({input_data: {data: [[1, 2, 3]]}});
    const r = await owner.invoke({scoringUri: uri, credential: key, body});
    expect(r.status).toBe(424);
    expect(r.modelError).toEqual({statusCode: '400', reason: 'model_error'});
    expect(r.body).toContain('Expected 4 features');
  });

  it('a 429 carries Retry-After in seconds', async () => {
    sandbox.setFaults('scoring:429:next=1:retry-after=7');
    const r = await owner.invoke({scoringUri: uri, credential: key, body: SAMPLE});
    expect(r.status).toBe(429);
    expect(r.retryAfterSeconds).toBe(7);
  });

  it('sends once: a 503 comes back as it is, without a retry', async () => {
    sandbox.setFaults('scoring:503:next=1');
    sandbox.clearRequests();
    const r = await owner.invoke({scoringUri: uri, credential: key, body: SAMPLE});
    expect(r.status).toBe(503);
    expect(sandbox.requests().filter((x) => x.surface === 'scoring')).toHaveLength(1);
  });

  it('nothing listening is a network error naming the host, without the credential', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const {port} = server.address() as {port: number};
        server.close(() => resolve(port));
      });
    });
    const e = await failure(
      owner.invoke({scoringUri: `https://127.0.0.1:${port}/score`, credential: key, body: SAMPLE}),
    );
    expect(e.kind).toBe('network');
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.title).toContain(`127.0.0.1:${port}`);
    // Not in the explanation, nor anywhere in the error kept for --debug.
    const thrown = await owner
      .invoke({scoringUri: `https://127.0.0.1:${port}/score`, credential: key, body: SAMPLE})
      .catch((err: unknown) => err);
    expect(JSON.stringify(e)).not.toContain(key);
    // The whole error graph: the cause and anything it holds (a request, its options, headers).
    expect(inspect(thrown, {depth: 20, showHidden: true})).not.toContain(key);
    expect((thrown as Error).cause).toBeDefined();
  });

  it('a CA the cloud does not trust is a TLS error that points at caCertFile', async () => {
    const untrusting = fast({...cloud, caPem: undefined});
    const e = await failure(untrusting.invoke({scoringUri: uri, credential: key, body: SAMPLE}));
    expect(e.kind).toBe('network');
    expect(e.title).toContain('not trusted');
    expect(e.nextSteps.join(' ')).toContain('caCertFile');
  });

  it('a dropped connection is a network error', async () => {
    sandbox.setFaults('scoring:drop:next=1');
    const e = await failure(owner.invoke({scoringUri: uri, credential: key, body: SAMPLE}));
    expect(e.kind).toBe('network');
  });

  it('gives up after timeoutMs with a network error; an abort is a cancellation', async () => {
    sandbox.setFaults('scoring:latency=1500ms');
    const timedOut = await failure(
      owner.invoke({scoringUri: uri, credential: key, body: SAMPLE, timeoutMs: 200}),
    );
    expect(timedOut).toMatchObject({kind: 'network', code: 'ETIMEDOUT'});
    expect(timedOut.title).toContain(new URL(uri).host);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const aborted = await failure(
      owner.invoke({scoringUri: uri, credential: key, body: SAMPLE}, controller.signal),
    );
    expect(aborted.kind).toBe('cancelled');
  });

  it('refuses plain http and a credential with line breaks before sending anything', async () => {
    sandbox.clearRequests();
    const http = await failure(
      owner.invoke({scoringUri: uri.replace('https:', 'http:'), credential: key, body: SAMPLE}),
    );
    expect(http.kind).toBe('invalid');
    const broken = await failure(
      owner.invoke({scoringUri: uri, credential: `${key}\r\nx-evil: 1`, body: SAMPLE}),
    );
    expect(broken.kind).toBe('invalid');
    expect(JSON.stringify(broken)).not.toContain(key);
    expect(sandbox.requests()).toEqual([]);
  });
});

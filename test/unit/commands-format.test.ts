import {execFileSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import type {AppError, CloudConfig, Endpoint, InvokeResult} from '../../source/domain/types';
import {credsEnv, credsJson, credsText, parseWhich} from '../../source/commands/creds';
import {CliError, ExitCode} from '../../source/commands/exit-codes';
import {cliErrorFromApp, exitCodeForKind, formatFailure} from '../../source/commands/failure';
import {
  bodyText,
  includeHeader,
  invokeJson,
  parseRepeat,
  repeatJson,
  repeatText,
} from '../../source/commands/invoke';
import {makeStyle} from '../../source/commands/output';
import {accountOf, profileEnv, profileView} from '../../source/commands/profiles';
import {preflightEnv, preflightReport, preflightText} from '../../source/commands/roles';
import {detectUse, extractToken, inspectReport} from '../../source/commands/token';
import {preflight} from '../../source/domain/permissions';
import {summarize} from '../../source/domain/scoring';
import type {Profile} from '../../source/profiles/types';

const plain = makeStyle(false);
const NOW = Date.UTC(2030, 5, 1, 12, 0, 0);

const endpoint = (over: Partial<Endpoint> = {}): Endpoint => ({
  subscriptionId: '11111111-2222-3333-4444-555555555555',
  resourceGroup: 'rg-ws-dev',
  workspace: 'ws-dev',
  endpoint: 'churn-scorer',
  id: '/subscriptions/…/onlineEndpoints/churn-scorer',
  location: 'eastus',
  authMode: 'key',
  provisioningState: 'Succeeded',
  traffic: {blue: 90, green: 10},
  scoringUri: 'https://h.example/score',
  ...over,
});

const cloud: CloudConfig = {
  name: 'AzureCloud',
  resourceManagerEndpoint: 'https://management.azure.com/',
  authorityHost: 'https://login.microsoftonline.com',
  managementScope: 'https://management.azure.com/.default',
  mlScope: 'https://ml.azure.com/.default',
  custom: false,
};

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (claims: object) => `${b64({alg: 'RS256', typ: 'JWT', kid: 'k'})}.${b64(claims)}.c2ln`;

describe('exit codes for failures', () => {
  it.each([
    ['auth', 3],
    ['permission', 4],
    ['notFound', 5],
    ['invalid', 2],
    ['cancelled', 130],
    ['network', 1],
    ['conflict', 1],
    ['throttled', 1],
    ['unknown', 1],
  ] as const)('%s → %i', (kind, code) => {
    expect(exitCodeForKind(kind)).toBe(code);
  });

  it('an AppError becomes one line with its hint and next steps', () => {
    const app: AppError = {
      kind: 'permission',
      title: "Can't list the keys of churn-scorer: missing permission",
      detail: "The client 'x' does not have authorization\nto perform action 'a/listKeys/action'.",
      hint: "x lacks 'a/listKeys/action'.",
      nextSteps: ['Ask an Owner.', 'Sign in again.'],
      requestId: 'req-1',
    };
    const err = cliErrorFromApp(app);
    expect(err.exitCode).toBe(ExitCode.permissionDenied);
    expect(err.message).not.toContain('\n');
    expect(err.message).toContain('listKeys/action');
    const printed = formatFailure(err);
    expect(printed.startsWith('aml-auth: ')).toBe(true);
    expect(printed).toContain('  hint: x lacks');
    expect(printed).toContain('Ask an Owner.');
    expect(printed).toContain('request ID req-1');
  });

  it('the exit code can be overridden (sign-in failures are authentication failures)', () => {
    const app: AppError = {
      kind: 'invalid',
      title: 'Sign-in needs a tenant',
      detail: '',
      nextSteps: [],
    };
    expect(cliErrorFromApp(app, ExitCode.authentication).exitCode).toBe(3);
  });
});

describe('creds output', () => {
  const keys = {primaryKey: 'PRIMARY+/=', secondaryKey: "SECOND'ARY"};
  const resolved = {target: {profileName: 'dev'} as never, cloud};

  it('json: both keys, the chosen one as the credential, null times for keys', () => {
    const doc = credsJson(resolved, endpoint(), {
      credential: {kind: 'key', value: keys.secondaryKey, which: 'secondary'},
      keys,
    });
    expect(doc).toEqual({
      profile: 'dev',
      cloud: 'AzureCloud',
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      resourceGroup: 'rg-ws-dev',
      workspace: 'ws-dev',
      endpoint: 'churn-scorer',
      authMode: 'key',
      scoringUri: 'https://h.example/score',
      // az ml online-endpoint get-credentials' names
      primaryKey: 'PRIMARY+/=',
      secondaryKey: "SECOND'ARY",
      credential: {
        kind: 'key',
        which: 'secondary',
        value: "SECOND'ARY",
        expiresOn: null,
        expiresOnEpoch: null,
        refreshAfter: null,
        refreshAfterEpoch: null,
      },
      keys: {primary: 'PRIMARY+/=', secondary: "SECOND'ARY"},
      copiedTo: null,
    });
  });

  it('json with --copy: no secret at all, and where it went', () => {
    const doc = credsJson(
      resolved,
      endpoint({authMode: 'aml_token'}),
      {credential: {kind: 'aml_token', value: 'TOKEN', expiresOn: NOW + 3_600_000}},
      'osc52',
    );
    expect(JSON.stringify(doc)).not.toContain('TOKEN');
    expect(doc.keys).toBeNull();
    expect(doc.copiedTo).toBe('osc52');
    expect(doc.credential.expiresOnEpoch).toBe(NOW / 1000 + 3600);
    // az's names for the token modes: no accessToken when it went to the clipboard.
    expect(doc).toMatchObject({expiryTimeUtc: NOW / 1000 + 3600, tokenType: 'Bearer'});
    expect(doc).not.toHaveProperty('accessToken');
  });

  it('env: exports that bash evaluates back to the exact values', () => {
    const lines = credsEnv(endpoint({authMode: 'aml_token'}), {
      kind: 'aml_token',
      value: "tok'en$`x`",
      expiresOn: NOW,
      refreshAfter: NOW - 1000,
    });
    const out = execFileSync(
      'bash',
      [
        '--norc',
        '--noprofile',
        '-c',
        'eval "$LINES"; printf "%s|%s|%s|%s" "$SCORING_URI" "$DATA_PLANE_TOKEN" "$DATA_PLANE_AUTH_MODE" "$DATA_PLANE_TOKEN_EXPIRES_ON"',
      ],
      {env: {PATH: process.env.PATH, LINES: lines}, encoding: 'utf8'},
    );
    expect(out).toBe(`https://h.example/score|tok'en$\`x\`|aml_token|${NOW / 1000}`);
  });

  it('env: keys carry no expiry variables', () => {
    const lines = credsEnv(endpoint(), {kind: 'key', value: 'k', which: 'primary'});
    expect(lines).not.toContain('EXPIRES_ON');
    expect(lines).toContain("export DATA_PLANE_TOKEN='k'");
  });

  it('text: the token and its expiry in local time and relative', () => {
    const text = credsText(
      endpoint({authMode: 'aad_token'}),
      {credential: {kind: 'aad_token', value: 'eyJ.t', expiresOn: NOW + 42 * 60_000}},
      NOW,
      plain,
    );
    expect(text).toContain('eyJ.t');
    expect(text).toMatch(/expires\s+\S.*\(in 42m 00s\)/);
  });

  it('text: what Azure returned (scoring URI, keys) is shown with control characters made visible', () => {
    const text = credsText(
      endpoint({scoringUri: 'https://h.example/score\u001b]52;c;eA==\u0007'}),
      {
        credential: {kind: 'key', value: 'k\u001b[2J', which: 'primary'},
        keys: {primaryKey: 'k\u001b[2J', secondaryKey: 'other\r'},
      },
      NOW,
      plain,
    );
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/); // eslint-disable-line no-control-regex
    expect(text).toContain('https://h.example/score\\x1b]52;c;eA==\\x07');
    expect(text).toContain('k\\x1b[2J');
  });

  it('text with --copy: only a confirmation, never the value', () => {
    const text = credsText(
      endpoint(),
      {
        credential: {kind: 'key', value: 'SECRETKEY', which: 'primary'},
        keys: {primaryKey: 'SECRETKEY', secondaryKey: 'OTHER'},
      },
      NOW,
      plain,
      'system',
    );
    expect(text).toBe(
      '✓ Copied the primary key of churn-scorer to the clipboard (system clipboard).\n',
    );
    const token = credsText(
      endpoint({authMode: 'aml_token'}),
      {credential: {kind: 'aml_token', value: 'TOKENVALUE', expiresOn: NOW + 90 * 60_000}},
      NOW,
      plain,
      'osc52',
    );
    expect(token).toMatch(
      /^✓ Sent the Azure ML token of churn-scorer to the clipboard \(through the terminal, OSC 52\); it expires \S+ \(in 1h 30m\)\.\n$/,
    );
    expect(token).not.toContain('TOKENVALUE');
  });

  it('--which is primary or secondary', () => {
    expect(parseWhich(undefined)).toBe('primary');
    expect(parseWhich('Secondary')).toBe('secondary');
    expect(() => parseWhich('tertiary')).toThrow(CliError);
  });
});

const result = (over: Partial<InvokeResult> = {}): InvokeResult => ({
  status: 200,
  latencyMs: 12.345678,
  deployment: 'blue',
  requestId: 'r-1',
  contentType: 'application/json',
  body: '[0.1,0.2]',
  headers: {},
  ...over,
});

describe('invoke output', () => {
  const input = {
    endpoint: endpoint(),
    fetched: {credential: {kind: 'key' as const, value: 'k', which: 'primary' as const}},
    mlScope: cloud.mlScope,
    now: NOW,
  };

  it('json of a 200: the body as text and parsed, no failure', () => {
    expect(invokeJson(endpoint(), result(), input)).toEqual({
      endpoint: 'churn-scorer',
      scoringUri: 'https://h.example/score',
      status: 200,
      ok: true,
      latencyMs: 12.35, // JSON: hundredths of a millisecond
      deployment: 'blue',
      requestId: 'r-1',
      contentType: 'application/json',
      modelError: null,
      retryAfterSeconds: null,
      body: '[0.1,0.2]',
      json: [0.1, 0.2],
      failure: null,
    });
  });

  it('json of a 424 explains the model error', () => {
    const doc = invokeJson(
      endpoint(),
      result({
        status: 424,
        body: '{"error":"Expected 4 features"}',
        modelError: {statusCode: '400', reason: 'model_error'},
      }),
      input,
    );
    expect(doc.ok).toBe(false);
    expect(doc.modelError).toEqual({statusCode: '400', reason: 'model_error'});
    expect(doc.failure?.title).toMatch(/^424/);
    expect(doc.failure?.cause).toContain('400 (model_error)');
  });

  it('--include lines: status, latency, deployment, request ID — no credential', () => {
    const header = includeHeader(result({modelError: {statusCode: '400'}}));
    expect(header).toBe(
      'status: 200\nlatency-ms: 12.3\ndeployment: blue\nrequest-id: r-1\ncontent-type: application/json\nmodel-error-status: 400\n\n',
    );
  });

  it('the body is printed as received, pretty only when asked', () => {
    expect(bodyText('[1,2]', false)).toBe('[1,2]\n');
    expect(bodyText('[1,2]', true)).toBe('[\n  1,\n  2\n]\n');
    expect(bodyText('not json', true)).toBe('not json\n');
  });

  it('--repeat: p50/p95 and the share per deployment', () => {
    const results = [
      ...Array.from({length: 9}, (_, i) => result({latencyMs: 10 + i, deployment: 'blue'})),
      result({latencyMs: 100, deployment: 'green'}),
    ];
    const summary = summarize(results);
    const doc = repeatJson(endpoint(), results, summary);
    expect(doc).toMatchObject({
      count: 10,
      ok: true,
      p50Ms: 14,
      p95Ms: 100,
      statuses: {'200': 10},
      deployments: [
        {name: 'blue', count: 9, share: 0.9},
        {name: 'green', count: 1, share: 0.1},
      ],
    });
    expect(doc.requests).toHaveLength(10);
    const text = repeatText(endpoint(), summary, plain);
    expect(text).toContain('10 requests to churn-scorer: 10 × 200');
    expect(text).toMatch(/blue\s+90%\s+9/);
    expect(text).toMatch(/green\s+10%\s+1/);
  });

  it('--repeat takes 1 … 1000', () => {
    expect(parseRepeat(undefined)).toBe(1);
    expect(parseRepeat('20')).toBe(20);
    for (const bad of ['0', '-1', '1.5', 'ten', '1001', '']) {
      expect(() => parseRepeat(bad)).toThrow(CliError);
    }
  });
});

describe('roles check output', () => {
  const reader = [{actions: ['*/read'], notActions: [], dataActions: [], notDataActions: []}];

  it('a reader on a key endpoint misses listKeys, which is required', () => {
    const report = preflightReport(
      {objectId: 'oid', type: 'ServicePrincipal', name: 'app', signedIn: true},
      endpoint(),
      'key',
      preflight(reader, 'key'),
    );
    expect(report.ok).toBe(false);
    expect(report.missing).toEqual([
      'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action',
    ]);
    expect(report.endpoint).toEqual({
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      resourceGroup: 'rg-ws-dev',
      workspace: 'ws-dev',
      name: 'churn-scorer',
      authMode: 'key',
    });
    const text = preflightText(report, plain);
    expect(text).toMatch(/✓ read the endpoint\s+required/);
    expect(text).toMatch(/✗ list keys\s+required/);
    expect(text).toContain(
      'missing: Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action',
    );
    expect(preflightEnv(report)).toContain("export PREFLIGHT_OK='false'");
  });

  it('a role definition it could not read is listed, and the report goes on with a hand-off', () => {
    const definition =
      '/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7';
    const report = preflightReport(
      {objectId: 'oid', type: 'User', name: null, signedIn: false},
      endpoint(),
      'key',
      preflight([], 'key'),
      [{roleDefinitionId: definition, scope: '/s/ws', reason: 'AuthorizationFailed: denied'}],
    );
    expect(report.unreadableRoles).toHaveLength(1);
    const text = preflightText(report, plain);
    expect(text).toContain(
      `? could not read role definition ${definition} (assigned at /s/ws): what it grants is not counted — AuthorizationFailed: denied`,
    );
    expect(report.handOff?.role).toBe('AzureML Data Scientist');
    expect(report.handOff?.scope).toMatch(/\/workspaces\/ws-dev$/);
  });

  it('an owner has everything', () => {
    const owner = [{actions: ['*'], notActions: [], dataActions: [], notDataActions: []}];
    const report = preflightReport(
      {objectId: 'oid', type: 'User', name: 'owner', signedIn: true},
      endpoint(),
      'aad_token',
      preflight(owner, 'aad_token'),
    );
    expect(report.ok).toBe(true);
    expect(report.missing).toEqual([]);
    expect(report.handOff).toBeUndefined();
    expect(preflightEnv(report)).toContain("export PREFLIGHT_MISSING=''");
  });
});

describe('token inspect', () => {
  it('finds the token in a bare JWT, a Bearer header, or JSON', () => {
    expect(extractToken('  a.b.c\n')).toBe('a.b.c');
    expect(extractToken('Bearer a.b.c')).toBe('a.b.c');
    expect(extractToken('Authorization: Bearer a.b.c')).toBe('a.b.c');
    expect(extractToken('{"credential": {"kind": "aad_token", "value": "a.b.c"}}')).toBe('a.b.c');
    expect(extractToken('{"accessToken": "x.y.z", "expiresOn": "…"}')).toBe('x.y.z');
    expect(extractToken('{"access_token": "t.t.t"}')).toBe('t.t.t');
  });

  it('reports audience, use and expiry; a scoring check passes for the ML audience', () => {
    const token = jwt({
      aud: 'https://ml.azure.com',
      exp: NOW / 1000 + 600,
      iat: NOW / 1000 - 60,
      oid: 'o',
      tid: 't',
      appid: 'a',
      idtyp: 'app',
    });
    const r = inspectReport(token, cloud, 'scoring', NOW);
    expect(r).toMatchObject({
      audience: 'https://ml.azure.com',
      detectedUse: 'scoring',
      intendedUse: 'scoring',
      expectedAudience: 'https://ml.azure.com',
      audienceOk: true,
      expired: false,
      expiresInSeconds: 600,
      expiresOnEpoch: NOW / 1000 + 600,
      issuedAtEpoch: NOW / 1000 - 60,
      notBefore: null,
    });
    expect(r.identity.kind).toBe('servicePrincipal');
    expect(JSON.stringify(r)).not.toContain(token);
  });

  it('flags a management token used for scoring', () => {
    const token = jwt({aud: 'https://management.core.windows.net/', exp: NOW / 1000 - 1});
    const r = inspectReport(token, cloud, 'scoring', NOW);
    expect(r.audienceOk).toBe(false);
    expect(r.detectedUse).toBe('management');
    expect(r.expired).toBe(true);
  });

  it('without --for it does not judge, only detects', () => {
    const r = inspectReport(jwt({aud: 'api://other'}), cloud, undefined, NOW);
    expect(r.audienceOk).toBeNull();
    expect(r.detectedUse).toBeNull();
    expect(r.expired).toBeNull();
    expect(detectUse('https://management.azure.com', cloud)).toBe('management');
  });
});

describe('profiles output', () => {
  const record = JSON.stringify({
    username: 'owner@contoso.sandbox',
    homeAccountId: 'a.b',
    tenantId: 't',
    clientId: 'c',
    authority: 'x',
  });
  const p: Profile = {
    name: 'dev',
    cloud: 'AzureCloud',
    tenantId: 't',
    signIn: {method: 'device-code', authenticationRecord: record},
    subscription: {id: 's', name: 'Sub'},
    resourceGroup: 'rg',
    workspace: 'ws',
    endpoint: 'ep',
    authMode: 'key',
    createdAt: '2030-01-01T00:00:00.000Z',
    lastUsedAt: '2030-01-02T00:00:00.000Z',
  };

  it('shows the account of a saved sign-in, not the record', () => {
    const view = profileView(p);
    expect(view.signIn).toEqual({
      method: 'device-code',
      clientId: null,
      certificatePath: null,
      account: 'owner@contoso.sandbox',
      savedSignIn: true,
    });
    expect(JSON.stringify(view)).not.toContain('homeAccountId');
    expect(view.lastUsedAtEpoch).toBe(Date.UTC(2030, 0, 2) / 1000);
    expect(accountOf('not json')).toBeNull();
  });

  it('env names the selectors', () => {
    expect(profileEnv(p)).toContain("export AML_AUTH_ENDPOINT='ep'");
    expect(profileEnv(p)).toContain("export AML_AUTH_SUBSCRIPTION_ID='s'");
  });
});

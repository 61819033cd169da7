import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {exportLines, isUsable, mask, refreshDueAt} from '../../source/domain/credentials';
import {preflight} from '../../source/domain/permissions';
import {describeJsonError, lineColumn} from '../../source/lib/json';
import {readRequestFile, validateRequestText} from '../../source/lib/request-file';
import {adminCommands, adminHandOff, rolesGranting, ROLE_CHOICES} from '../../source/domain/roles';
import {ACTIONS, allows} from '../../source/domain/permissions';
import {assignmentScopeOf} from '../../source/domain/scopes';
import {
  curlCommand,
  explainScoringFailure,
  percentile,
  summarize,
} from '../../source/domain/scoring';
import {formatElapsed, formatRemaining, relative, urgency} from '../../source/lib/time';
import {didYouMean, editDistance, nearest} from '../../source/lib/suggest';
import {commandLines, isCommand, wrapText} from '../../source/lib/wrap';
import {endpointNameProblem, guidProblem, tenantProblem} from '../../source/domain/validate';
import type {InvokeResult, PermissionBlock} from '../../source/domain/types';

const block = (actions: string[], notActions: string[] = []): PermissionBlock => ({
  actions,
  notActions,
  dataActions: [],
  notDataActions: [],
});

describe('countdown formatting', () => {
  it('formats what is left, then "expired"', () => {
    expect(formatRemaining(1_000_000 + 42 * 60_000 + 10_000, 1_000_000)).toBe('42m 10s');
    expect(formatRemaining(3_900_000, 0)).toBe('1h 05m');
    expect(formatRemaining(9_000, 0)).toBe('9s');
    expect(formatRemaining(2 * 86_400_000 + 3 * 3_600_000, 0)).toBe('2d 3h');
    expect(formatRemaining(1000, 1000)).toBe('expired');
    expect(formatRemaining(0, 5000)).toBe('expired');
    expect(formatRemaining(1_000_000 + 42 * 60_000 + 10_000, 1_000_000, 'minutes')).toBe('42m');
    expect(formatRemaining(3_900_000, 0, 'minutes')).toBe('1h 05m');
    expect(formatRemaining(9_000, 0, 'minutes')).toBe('9s');
    expect(relative(60_000, 0)).toBe('in 1m 00s');
    expect(relative(0, 120_000)).toBe('2m 00s ago');
    expect(formatElapsed(65_000)).toBe('1m 05s');
  });

  it('changes urgency as expiry nears', () => {
    const hour = 3_600_000;
    expect(urgency(hour, 0, hour)).toBe('ok');
    expect(urgency(4 * 60_000, 0, hour)).toBe('soon');
    expect(urgency(30_000, 0, hour)).toBe('critical');
    expect(urgency(0, 0, hour)).toBe('expired');
    // Short lifetimes scale: a 90 s token is "soon" in its last quarter.
    expect(urgency(20_000, 0, 90_000)).toBe('soon');
  });
});

describe('validators', () => {
  it('applies Azure’s endpoint-name rules', () => {
    expect(endpointNameProblem('churn-scorer')).toBeUndefined();
    expect(endpointNameProblem('a'.repeat(32))).toBeUndefined();
    expect(endpointNameProblem('ab')).toMatch(/At least 3/);
    expect(endpointNameProblem('a'.repeat(33))).toMatch(/At most 32/);
    expect(endpointNameProblem('1abc')).toMatch(/start with a letter/);
    expect(endpointNameProblem('abc-')).toMatch(/end with a hyphen/);
    expect(endpointNameProblem('ab_c')).toMatch(/not “_”/);
    expect(endpointNameProblem('')).toMatch(/Enter a name/);
  });
  it('checks GUIDs and tenants', () => {
    expect(guidProblem('00000000-0000-0000-0000-000000000000', 'x')).toBeUndefined();
    expect(guidProblem('nope', 'client ID')).toMatch(/client ID is a GUID/);
    expect(tenantProblem('contoso.onmicrosoft.com')).toBeUndefined();
    expect(tenantProblem('not a tenant')).toMatch(/GUID or a domain/);
  });
});

describe('the permission preflight', () => {
  it('marks what the auth mode needs and evaluates wildcards and notActions', () => {
    const ds = ROLE_CHOICES.find((c) => c.id === 'data-scientist')!.template.permissions;
    const key = preflight(ds, 'key');
    const byId = Object.fromEntries(key.map((i) => [i.id, i]));
    expect(byId.listKeys).toMatchObject({need: 'required', ok: true});
    expect(byId.read).toMatchObject({need: 'required', ok: true});
    expect(byId.assignRoles).toMatchObject({need: 'optional', ok: false});
    const aad = Object.fromEntries(
      preflight([block(['*/read'])], 'aad_token').map((i) => [i.id, i]),
    );
    expect(aad.score).toMatchObject({need: 'required', ok: false});
    expect(aad.read?.ok).toBe(true);
    const contributor = Object.fromEntries(
      preflight([block(['*'], ['Microsoft.Authorization/*/Write'])], 'aml_token').map((i) => [
        i.id,
        i,
      ]),
    );
    expect(contributor.token).toMatchObject({need: 'required', ok: true});
    expect(contributor.assignRoles?.ok).toBe(false);
  });
});

describe('JSON error positions', () => {
  it.each([
    ['{"a": 1,}', 'line 1, column 9: expected another key (no trailing comma before })'],
    ["{'a': 1}", 'line 1, column 2: expected a key in double quotes'],
    ['{"a": 1', "line 1, column 8: expected ',' or '}'"],
    ['{"a": "open', 'line 1, column 12: expected a closing quote'],
    [
      '{\n  "a": [1, 2,]\n}',
      'line 2, column 14: expected another value (no trailing comma before ])',
    ],
    ['{} x', 'line 1, column 4: expected end of input (extra text after the JSON)'],
    ['', 'line 1, column 1: expected a value (found end of input)'],
    ['{"a": tru}', 'line 1, column 7: expected a value (found "t")'],
  ])('%j → %s', (text, expected) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(describeJsonError(text)).toBe(expected);
  });
  it('says nothing about valid JSON', () => {
    for (const t of ['{}', '[1, 2]', '{"a": {"b": [1, -2.5e3, true, null, "x\\"y"]}}', ' 3 ']) {
      expect(describeJsonError(t)).toBeUndefined();
    }
  });
});

describe('request files', () => {
  it('reports invalid JSON with line and column', () => {
    const r = validateRequestText('{\n  "a": 1,\n}', 'req.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(/req\.json is not valid JSON at line 3, column 1/);
    expect(lineColumn('ab\ncd', 4)).toEqual({line: 2, column: 2});
  });
  it('refuses a body over 1.5 MB before sending (unless allowed more) and refuses missing files', async () => {
    const big = JSON.stringify({data: 'x'.repeat(1_600_000)});
    const r = validateRequestText(big, 'big.json');
    expect(r).toMatchObject({ok: false, problem: expect.stringMatching(/over the 1\.5 MB limit/)});
    expect(validateRequestText(big, 'big.json', {maxBytes: 4 * 1024 * 1024}).ok).toBe(true);
    const missing = await readRequestFile('/nonexistent/req.json');
    expect(missing).toMatchObject({ok: false, problem: '/nonexistent/req.json does not exist'});
    const dir = mkdtempSync(join(tmpdir(), 'req-'));
    writeFileSync(join(dir, 'ok.json'), '{"data": [[1,2,3,4]]}');
    expect(await readRequestFile(join(dir, 'ok.json'))).toMatchObject({ok: true, bytes: 21});
    expect(await readRequestFile(dir)).toMatchObject({ok: false, problem: `${dir} is not a file`});
  });
});

describe('scoring helpers', () => {
  const result = (patch: Partial<InvokeResult>): InvokeResult => ({
    status: 200,
    latencyMs: 10,
    body: '',
    headers: {},
    ...patch,
  });
  it('computes p50/p95 and the share per deployment', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(
      percentile(
        Array.from({length: 20}, (_, i) => i + 1),
        95,
      ),
    ).toBe(19);
    const s = summarize([
      result({deployment: 'blue', latencyMs: 10}),
      result({deployment: 'blue', latencyMs: 30}),
      result({deployment: 'green', latencyMs: 20, status: 424}),
    ]);
    expect(s).toMatchObject({count: 3, p50Ms: 20, p95Ms: 30, statuses: {'200': 2, '424': 1}});
    expect(s.deployments[0]).toMatchObject({name: 'blue', count: 2});
  });
  it('writes curl with $DATA_PLANE_TOKEN unless the secret is asked for', () => {
    const c = curlCommand({
      scoringUri: 'https://x/score',
      requestFile: "it's.json",
      deployment: 'v2',
    });
    expect(c).toContain('"Authorization: Bearer $DATA_PLANE_TOKEN"');
    expect(c).toContain("--data-binary @'it'\\''s.json'");
    expect(c).toContain("'azureml-model-deployment: v2'");
    expect(curlCommand({scoringUri: 'https://x', body: '{}', secret: 'S3CRET'})).toContain(
      "'Authorization: Bearer S3CRET'",
    );
  });
  it("curl trusts a cloud's own CA with --cacert, and only then", () => {
    const c = curlCommand({scoringUri: 'https://x/score', caCertFile: '/tmp/my ca.pem'});
    expect(c.split(' \\\n')[1]).toBe("  --cacert '/tmp/my ca.pem'");
    expect(curlCommand({scoringUri: 'https://x/score'})).not.toContain('--cacert');
  });
  it('explains 401s by cause', () => {
    const base = {now: 1000, mlAudience: 'https://ml.azure.com'};
    const r401 = result({status: 401, body: 'x'});
    expect(
      explainScoringFailure(r401, {...base, authMode: 'aad_token', sent: 'key'})?.title,
    ).toMatch(/wrong kind/);
    expect(
      explainScoringFailure(r401, {
        ...base,
        authMode: 'aml_token',
        sent: 'aml_token',
        expiresOn: 500,
      })?.title,
    ).toMatch(/expired/);
    expect(
      explainScoringFailure(r401, {
        ...base,
        authMode: 'aad_token',
        sent: 'aad_token',
        audience: 'https://management.azure.com',
      })?.title,
    ).toMatch(/wrong audience/);
    expect(
      explainScoringFailure(r401, {
        ...base,
        authMode: 'aad_token',
        sent: 'aad_token',
        audience: 'https://ml.azure.com',
        hasScorePermission: false,
      })?.cause,
    ).toMatch(/score\/action/);
    expect(
      explainScoringFailure(result({status: 404, body: 'No valid deployments to route to.'}), {
        ...base,
        authMode: 'key',
        sent: 'key',
      })?.cause,
    ).toMatch(/traffic/);
    expect(
      explainScoringFailure(
        result({status: 424, modelError: {statusCode: '400', reason: 'model_error'}}),
        {...base, authMode: 'key', sent: 'key'},
      )?.cause,
    ).toBe('The model answered 400 (model_error).');
    expect(
      explainScoringFailure(result({status: 429, retryAfterSeconds: 3}), {
        ...base,
        authMode: 'key',
        sent: 'key',
      })?.next[0],
    ).toBe('Retry after 3 s.');
    expect(
      explainScoringFailure(result({status: 200}), {...base, authMode: 'key', sent: 'key'}),
    ).toBeUndefined();
  });
});

describe('credentials', () => {
  it('masks, schedules refresh and quotes exports', () => {
    expect(mask('abcdefghijkl1a2b')).toBe('••••1a2b');
    expect(mask('short')).toBe('••••');
    expect(refreshDueAt({kind: 'key', value: 'k'})).toBeUndefined();
    expect(
      refreshDueAt({kind: 'aml_token', value: 't', expiresOn: 100_000, refreshAfter: 50_000}),
    ).toBe(50_000);
    // No refresh-after: 10% of the lifetime before expiry (90 s token → 9 s before).
    expect(refreshDueAt({kind: 'aad_token', value: 't', expiresOn: 90_000}, 0)).toBe(81_000);
    expect(isUsable({kind: 'aad_token', value: 't', expiresOn: 10_000}, 4_000)).toBe(true);
    expect(isUsable({kind: 'aad_token', value: 't', expiresOn: 10_000}, 6_000)).toBe(false);
    expect(exportLines('https://x/score', "a'b")).toEqual([
      "export SCORING_URI='https://x/score'",
      "export DATA_PLANE_TOKEN='a'\\''b'",
    ]);
  });
});

describe('role hand-off commands', () => {
  it('fills in az role definition/assignment commands', () => {
    const scoreOnly = ROLE_CHOICES.find((c) => c.id === 'score-only')!;
    const cmds = adminCommands({
      choice: scoreOnly,
      principalId: 'p-id',
      principalType: 'ServicePrincipal',
      scope: '/subscriptions/s/rg/ws',
      assignableScope: '/subscriptions/s',
    });
    expect(cmds).toHaveLength(2);
    expect(cmds[0]).toMatch(/^az role definition create --role-definition '/);
    expect(JSON.parse(cmds[0]!.slice(cmds[0]!.indexOf("'") + 1, -1))).toMatchObject({
      Name: 'Online Endpoint Score Only (aml-auth)',
      AssignableScopes: ['/subscriptions/s'],
    });
    expect(cmds[1]).toContain(
      '--assignee-object-id p-id --assignee-principal-type ServicePrincipal',
    );
    const ds = adminCommands({
      choice: ROLE_CHOICES.find((c) => c.id === 'data-scientist')!,
      principalId: 'x',
      principalType: 'User',
      scope: '/s',
      assignableScope: '/s',
    });
    expect(ds).toEqual([
      "az role assignment create --assignee-object-id x --assignee-principal-type User --role 'f6c7c914-8db3-469d-8ca1-694a8f32e121' --scope '/s'",
    ]);
  });

  const WS =
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
  const hand = (missing: string[], picked?: string) =>
    adminHandOff({
      ...(picked ? {picked: ROLE_CHOICES.find((c) => c.id === picked)!} : {}),
      missing,
      principalId: 'p-id',
      principalType: 'User',
      scope: WS,
      assignableScope: '/subscriptions/s/resourceGroups/rg',
    });

  it('a missing listKeys is handed a role that grants listKeys, never Score Only', () => {
    const h = hand([ACTIONS.listKeys]);
    expect(h.choice.id).toBe('data-scientist');
    expect(allows(h.choice.template.permissions, ACTIONS.listKeys)).toBe(true);
    expect(h.commands).toEqual([
      `az role assignment create --assignee-object-id p-id --assignee-principal-type User --role 'f6c7c914-8db3-469d-8ca1-694a8f32e121' --scope '${WS}'`,
    ]);
    // Even when Score Only was the last pick: it does not grant listKeys.
    expect(hand([ACTIONS.listKeys], 'score-only').choice.id).toBe('data-scientist');
    expect(rolesGranting([ACTIONS.listKeys]).map((c) => c.id)).not.toContain('score-only');
  });

  it('a picked custom role that grants what is missing is kept, with the built-in role that would do', () => {
    const h = hand([ACTIONS.score], 'score-only');
    expect(h.choice.id).toBe('score-only');
    expect(h.commands[0]).toMatch(/^az role definition create /);
    expect(h.builtIn?.choice.id).toBe('data-scientist');
    expect(h.builtIn?.commands).toHaveLength(1);
    expect(h.builtIn?.commands[0]).toContain("--role 'f6c7c914-8db3-469d-8ca1-694a8f32e121'");
    // A built-in pick needs no alternative.
    expect(hand([ACTIONS.score], 'data-scientist').builtIn).toBeUndefined();
  });

  it('the hand-off is always at a scope a role can be assigned at', () => {
    const h = adminHandOff({
      missing: [],
      principalId: 'p',
      principalType: 'User',
      scope:
        '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7',
      assignableScope: '/subscriptions/s',
    });
    expect(h.scope).toBe('/subscriptions/s');
    expect(h.commands.at(-1)).toMatch(/--scope '\/subscriptions\/s'$/);
    expect(assignmentScopeOf(`${WS}/providers/Microsoft.Authorization/roleAssignments/g`)).toBe(WS);
    expect(assignmentScopeOf('/providers/Microsoft.Authorization/roleDefinitions/g')).toBe('/');
    expect(assignmentScopeOf(`${WS}/onlineEndpoints/e`)).toBe(`${WS}/onlineEndpoints/e`);
  });
});

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('creds', 'crdes')).toBe(1);
    expect(editDistance('creds', 'crds')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests the nearest command or option, and nothing when none is near', () => {
    const commands = ['creds', 'invoke', 'profiles', 'roles', 'sandbox', 'token'];
    expect(didYouMean('crds', commands)).toBe('\n(Did you mean creds?)');
    expect(didYouMean('profils', commands)).toBe('\n(Did you mean profiles?)');
    expect(didYouMean('zzzzzz', commands)).toBe('');
    expect(didYouMean('--sandbx', ['--sandbox', '--sandbox-user', '--cloud'])).toBe(
      '\n(Did you mean --sandbox?)',
    );
    expect(nearest('role', ['roles', 'rolex'])).toEqual(['roles', 'rolex']);
  });
});

describe('wrapping for the terminal', () => {
  it('breaks at spaces, and a long ID only after a separator, never mid-word', () => {
    expect(wrapText('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
    const scope =
      '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev';
    const lines = wrapText(`scope ${scope}`, 40);
    expect(lines.every((l) => l.length <= 40)).toBe(true);
    expect(lines.join('').replace(/^scope/, '')).toBe(scope);
    // Every break inside the scope falls right after a separator, never inside a name or GUID.
    expect(lines[0]).toBe('scope');
    for (const l of lines.slice(1, -1)) expect(l).toMatch(/[/.]$/);
    expect(lines.join('\n')).toContain('00000000-0000-0000-0000-000000000001');
    expect(lines.join('\n')).toContain('rg-ws-dev');
    expect(wrapText('', 20)).toEqual(['']);
  });

  it('lays out a long command as shell continuation lines that keep each argument whole', () => {
    const cmd =
      'az role assignment create --assignee 11111111-2222-3333-4444-555555555555 --role "AzureML Data Scientist" --scope /subscriptions/x/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';
    const lines = commandLines(cmd, 60);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(0, -1).every((l) => l.endsWith(' \\'))).toBe(true);
    expect(lines.join('\n')).toContain('"AzureML Data Scientist"');
    expect(lines.join(' ').replace(/ \\ +/g, ' ')).toBe(cmd);
    expect(commandLines('az login', 60)).toEqual(['az login']);
    expect(isCommand('az role assignment create --x')).toBe(true);
    expect(isCommand('Ask an owner')).toBe(false);
  });
});

describe('deployment names', () => {
  it('accepts what Resource Manager accepts in a path (v2, blue, my_dep-1) and names the problem otherwise', async () => {
    const {deploymentNameProblem} = await import('../../source/domain/validate');
    for (const ok of ['v2', 'blue', 'my_dep-1', '0', 'a'.repeat(255)])
      expect(deploymentNameProblem(ok)).toBeUndefined();
    expect(deploymentNameProblem('')).toBe('Enter a name.');
    expect(deploymentNameProblem('-x')).toMatch(/start with a letter or digit/);
    expect(deploymentNameProblem('a b/c')).toMatch(/not “ \/”/);
    expect(deploymentNameProblem('a'.repeat(256))).toMatch(/At most 255/);
  });
});

describe('summaries with requests that got no answer', () => {
  it('count them under "error" and leave them out of latencies and deployment shares', () => {
    const s = summarize([
      {status: 200, latencyMs: 10, deployment: 'blue'},
      {status: 0, latencyMs: 5000, transportError: 'Connection reset'},
      {status: 200, latencyMs: 30, deployment: 'blue'},
    ]);
    expect(s.count).toBe(3);
    expect(s.statuses).toEqual({200: 2, error: 1});
    expect(s.p95Ms).toBe(30);
    expect(s.deployments).toEqual([{name: 'blue', count: 2, share: 1}]);
  });
});

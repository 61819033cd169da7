import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {KqlError, parseQuery, runQuery, type Row} from '../../source/sandbox/monitor/kql';
import {parseTimespan, TRAFFIC_SCHEMA} from '../../source/sandbox/monitor/query';
import {
  directory,
  isoDuration,
  kqlTimespan,
  loggingStatus,
  parseSince,
  sentCategories,
  summarizeCounts,
  summaryLine,
  summaryQuery,
  toTrafficRow,
  trafficQuery,
} from '../../source/domain/traffic-log';
import {
  initialTraffic,
  trafficReducer,
  type TrafficAction,
  type TrafficState,
} from '../../source/app/wizard/steps/traffic-log/state';
import type {TrafficLogResult} from '../../source/domain/traffic-log';
import {trafficStatus} from '../helpers/fake-services';

const NOW = Date.parse('2026-01-15T12:00:00Z');
const row = (over: Partial<Row>): Row => ({
  TimeGenerated: new Date(NOW - 60_000).toISOString(),
  EndpointName: 'fraud-aad',
  DeploymentName: 'main',
  ResponseCode: 200,
  ResponseCodeReason: 'OK',
  AuthType: 'AADToken',
  IdentityData: 'a',
  ModelStatusCode: 200,
  ...over,
});
const run = (kql: string, rows: Row[]) => runQuery(parseQuery(kql, NOW), TRAFFIC_SCHEMA, rows);
const T = 'AmlOnlineEndpointTrafficLog';

describe('the sandbox KQL subset', () => {
  const rows = [
    row({XRequestId: 'r1', ResponseCode: 200, IdentityData: 'a', AuthType: 'Key'}),
    row({
      XRequestId: 'r2',
      ResponseCode: 401,
      IdentityData: 'b',
      TimeGenerated: new Date(NOW - 2 * 3_600_000).toISOString(),
    }),
    row({
      XRequestId: 'r3',
      ResponseCode: 424,
      IdentityData: 'B',
      TimeGenerated: new Date(NOW - 30_000).toISOString(),
    }),
  ];

  it('where: comparisons, and/or, in/!in, =~, not(), ago() and datetime()', () => {
    const ids = (kql: string) => run(`${T} | where ${kql} | project XRequestId`, rows).rows.flat();
    expect(ids('ResponseCode != 200')).toEqual(['r2', 'r3']);
    expect(ids('ResponseCode != "200"')).toEqual(['r2', 'r3']);
    expect(ids('ResponseCode >= 400 and AuthType == "AADToken"')).toEqual(['r2', 'r3']);
    expect(ids('ResponseCode == 200 or IdentityData == "b"')).toEqual(['r1', 'r2']);
    expect(ids("IdentityData =~ 'b'")).toEqual(['r2', 'r3']);
    expect(ids('IdentityData !~ "b"')).toEqual(['r1']);
    expect(ids('ResponseCode in (401, 424)')).toEqual(['r2', 'r3']);
    expect(ids('ResponseCode !in (401, 424)')).toEqual(['r1']);
    expect(ids('not(ResponseCode == 200)')).toEqual(['r2', 'r3']);
    expect(ids('TimeGenerated > ago(1h)')).toEqual(['r1', 'r3']);
    expect(ids('TimeGenerated < datetime(2026-01-15T11:00:00Z)')).toEqual(['r2']);
    expect(
      ids('(ResponseCode == 401 or ResponseCode == 424) and TimeGenerated > ago(15m)'),
    ).toEqual(['r3']);
  });

  it('project (with renames), order by, take/limit/top and summarize count() by', () => {
    const ordered = run(
      `${T} | order by TimeGenerated desc | project Id = XRequestId, ResponseCode`,
      rows,
    );
    expect(ordered.columns).toEqual([
      {name: 'Id', type: 'string'},
      {name: 'ResponseCode', type: 'int'},
    ]);
    expect(ordered.rows).toEqual([
      ['r3', 424],
      ['r1', 200],
      ['r2', 401],
    ]);
    expect(
      run(`${T} | sort by ResponseCode asc | limit 2 | project XRequestId`, rows).rows,
    ).toEqual([['r1'], ['r2']]);
    expect(run(`${T} | top 1 by ResponseCode | project XRequestId`, rows).rows).toEqual([['r3']]);
    const counted = run(`${T} | summarize count() by AuthType`, rows);
    expect(counted.columns).toEqual([
      {name: 'AuthType', type: 'string'},
      {name: 'count_', type: 'long'},
    ]);
    expect(counted.rows).toEqual([
      ['Key', 1],
      ['AADToken', 2],
    ]);
    expect(run(`${T} | where ResponseCode == 999 | summarize n = count()`, rows).rows).toEqual([
      [0],
    ]);
  });

  it('refuses what it does not speak with a syntax or semantic error, never a crash', () => {
    const error = (kql: string) => {
      try {
        run(kql, rows);
      } catch (err) {
        if (err instanceof KqlError) return err;
        throw err;
      }
      throw new Error(`no error for ${kql}`);
    };
    expect(error(`${T} | extend x = 1`)).toMatchObject({kind: 'SemanticError'});
    expect(error(`${T} | where Nope == 1`).message).toContain("named 'Nope'");
    expect(error(`${T} | summarize dcount(AuthType)`)).toMatchObject({kind: 'SemanticError'});
    expect(error(`${T} | where ResponseCode ==`)).toMatchObject({
      kind: 'SyntaxError',
      token: '<end of query>',
    });
    const syntax = error(`${T}\n| where "unterminated`);
    expect(syntax).toMatchObject({kind: 'SyntaxError', line: 2, pos: 8});
    expect(error(`${T} | take many`)).toMatchObject({kind: 'SyntaxError'});
  });

  it('where ResponseCode != 200 and take N agree with a plain filter, for any rows (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({code: fc.constantFrom(200, 401, 404, 424, 429), minutesAgo: fc.nat(2000)}),
        ),
        fc.integer({min: 1, max: 50}),
        (specs, n) => {
          const input = specs.map((s, i) =>
            row({
              XRequestId: `r${i}`,
              ResponseCode: s.code,
              TimeGenerated: new Date(NOW - s.minutesAgo * 60_000).toISOString(),
            }),
          );
          const out = run(
            `${T} | where ResponseCode != 200 and TimeGenerated > ago(1h) | take ${n} | project XRequestId`,
            input,
          );
          const expected = input
            .filter(
              (r) =>
                r.ResponseCode !== 200 && Date.parse(String(r.TimeGenerated)) > NOW - 3_600_000,
            )
            .slice(0, n)
            .map((r) => [r.XRequestId]);
          expect(out.rows).toEqual(expected);
        },
      ),
    );
  });

  it('the query API timespan: durations and intervals', () => {
    expect(parseTimespan('PT1H', NOW)).toEqual({from: NOW - 3_600_000, to: NOW});
    expect(parseTimespan('P1D', NOW)).toEqual({from: NOW - 86_400_000, to: NOW});
    expect(parseTimespan('PT15M', NOW)).toEqual({from: NOW - 900_000, to: NOW});
    expect(parseTimespan('2026-01-15T10:00:00Z/PT1H', NOW)).toEqual({
      from: Date.parse('2026-01-15T10:00:00Z'),
      to: Date.parse('2026-01-15T11:00:00Z'),
    });
    expect(parseTimespan('2026-01-15T10:00:00Z/2026-01-15T10:30:00Z', NOW)?.to).toBe(
      Date.parse('2026-01-15T10:30:00Z'),
    );
    expect(parseTimespan('PT', NOW)).toBeUndefined();
    expect(parseTimespan('an hour', NOW)).toBeUndefined();
  });
});

describe('traffic-log rules (domain)', () => {
  it('the KQL the app runs: filters as where lines, strings escaped, the table first', () => {
    const kql = trafficQuery('fraud-aad', {
      sinceMs: 900_000,
      failuresOnly: true,
      authType: 'aad_token',
      identity: '11111111-1111-1111-1111-111111111111',
      requestId: 'abc-123',
      take: 20,
    });
    expect(kql.split('\n')).toEqual([
      'AmlOnlineEndpointTrafficLog',
      '| where TimeGenerated > ago(15m)',
      '| where EndpointName == "fraud-aad"',
      '| where ResponseCode != 200',
      '| where AuthType == "AADToken"',
      '| where IdentityData =~ "11111111-1111-1111-1111-111111111111"',
      '| where XRequestId =~ "abc-123"',
      expect.stringMatching(
        /^\| project TimeGenerated, DeploymentName, .*XRequestId, XMSClientRequestId$/,
      ),
      '| order by TimeGenerated desc',
      '| take 20',
    ]);
    expect(trafficQuery('we"ird\\name', {sinceMs: 3_600_000})).toContain(
      'EndpointName == "we\\"ird\\\\name"',
    );
    expect(summaryQuery('ep', {sinceMs: 86_400_000})).toMatch(
      /ago\(24h\)[\s\S]*\| summarize count\(\) by AuthType, IdentityData, ResponseCode$/,
    );
    // The app's own queries are inside the sandbox's subset.
    for (const q of [kql, summaryQuery('fraud-aad', {sinceMs: 3_600_000, failuresOnly: true})])
      expect(() => parseQuery(q, NOW)).not.toThrow();
  });

  it('windows: --since parsing, KQL and ISO durations', () => {
    expect(parseSince('15m')).toBe(900_000);
    expect(parseSince(' 1h ')).toBe(3_600_000);
    expect(parseSince('24h')).toBe(86_400_000);
    expect(parseSince('7d')).toBe(7 * 86_400_000);
    expect(parseSince('90s')).toBe(90_000);
    for (const bad of ['', 'soon', '1', '0m', '-1h', '1w']) expect(parseSince(bad)).toBeUndefined();
    expect([900_000, 3_600_000, 86_400_000, 7 * 86_400_000, 90_000].map(kqlTimespan)).toEqual([
      '15m',
      '1h',
      '24h',
      '7d',
      '90s',
    ]);
    expect([900_000, 3_600_000, 90_000].map(isoDuration)).toEqual(['PT15M', 'PT1H', 'PT90S']);
  });

  it('categories: groups expand; the status knows where the traffic log goes', () => {
    expect([...sentCategories([{categoryGroup: 'allLogs', enabled: true}])]).toHaveLength(3);
    expect([...sentCategories([{categoryGroup: 'audit', enabled: true}])]).toEqual([
      'AmlOnlineEndpointTrafficLog',
    ]);
    expect([
      ...sentCategories([{category: 'AmlOnlineEndpointTrafficLog', enabled: false}]),
    ]).toEqual([]);
    const s = loggingStatus([
      {
        name: 'console',
        workspaceResourceId: '/w1',
        otherDestinations: [],
        categories: [{category: 'AmlOnlineEndpointConsoleLog', enabled: true}],
      },
      {
        name: 'storage',
        otherDestinations: ['storage s'],
        categories: [{category: 'AmlOnlineEndpointTrafficLog', enabled: true}],
      },
    ]);
    expect(s).toMatchObject({on: false, destinations: []});
    expect(trafficStatus('/w2')).toMatchObject({on: true, destinations: ['/w2']});
  });

  it('rows and the summary: names where known, failures counted', () => {
    const names = directory([{objectId: 'AAAA', name: 'ada'}]);
    const r = toTrafficRow(
      {
        TimeGenerated: new Date(NOW),
        ResponseCode: '401',
        IdentityData: 'aaaa',
        ModelStatusCode: null,
        AuthType: 'AADToken',
      },
      names,
    );
    expect(r).toMatchObject({
      time: new Date(NOW).toISOString(),
      responseCode: 401,
      identityName: 'ada',
      modelStatusCode: null,
    });
    const summary = summarizeCounts(
      [
        {authType: 'AADToken', identity: 'aaaa', responseCode: 200, count: 3},
        {authType: 'AADToken', identity: 'bbbb', responseCode: 401, count: 1},
        {authType: 'Key', identity: '', responseCode: 200, count: 4},
      ],
      names,
    );
    expect(summary).toMatchObject({total: 8, failures: 1});
    expect(summary.byAuthType).toEqual([
      {authType: 'AADToken', count: 4},
      {authType: 'Key', count: 4},
    ]);
    expect(summaryLine(summary)).toBe(
      '8 requests · AADToken 4, Key 4 · (no identity) 4, ada 3, bbbb 1 · 13% failed (1)',
    );
    expect(summaryLine({total: 0, failures: 0, byAuthType: [], byIdentity: []})).toBe(
      'no requests',
    );
  });
});

describe('the traffic-log screen (reducer)', () => {
  const result = (identities: string[]): TrafficLogResult => ({
    workspace: {id: '/w', name: 'law', subscriptionId: 's', resourceGroup: 'rg', customerId: 'c'},
    kql: 'k',
    rows: identities.map((identity, i) => ({
      time: new Date(NOW - i * 1000).toISOString(),
      deployment: 'main',
      method: 'POST',
      path: '/score',
      responseCode: 200,
      responseCodeReason: 'OK',
      authType: 'AADToken',
      identity,
      modelStatusCode: 200,
      modelStatusReason: 'OK',
      durationMs: 1,
      requestDurationMs: 0,
      responseDurationMs: 1,
      requestId: `r${i}`,
      clientRequestId: '',
    })),
    summary: {
      total: identities.length,
      failures: 0,
      byAuthType: [],
      byIdentity: identities.map((identity) => ({identity, count: 1})),
    },
  });
  const apply = (s: TrafficState, ...actions: TrafficAction[]) => actions.reduce(trafficReducer, s);
  const workOf = (s: TrafficState) => s.work!;

  it('opens on the status; on, it reads the last hour at once; off, it waits for e', () => {
    const s0 = initialTraffic({endpoint: 'fraud-aad'});
    expect(s0).toMatchObject({mode: 'loading', work: {id: 1, kind: 'status'}});
    const on = apply(s0, {type: 'statusLoaded', id: 1, status: trafficStatus('/w')});
    expect(on).toMatchObject({mode: 'log', work: {kind: 'read', filter: {sinceMs: 3_600_000}}});
    const off = apply(s0, {type: 'statusLoaded', id: 1, status: trafficStatus(undefined)});
    expect(off).toMatchObject({mode: 'off', work: undefined});
    // Filters do nothing while it is off.
    expect(apply(off, {type: 'failures'})).toBe(off);
  });

  it('turning it on: pick a workspace, confirm, enable, then read with a note', () => {
    const off = apply(initialTraffic({endpoint: 'e'}), {
      type: 'statusLoaded',
      id: 1,
      status: trafficStatus(undefined),
    });
    const picking = apply(off, {type: 'askEnable'});
    expect(picking).toMatchObject({mode: 'picking', work: {kind: 'workspaces'}});
    const ws = {id: '/w', name: 'law', subscriptionId: 's', resourceGroup: 'rg', customerId: 'c'};
    const listed = apply(picking, {
      type: 'workspacesLoaded',
      id: workOf(picking).id,
      workspaces: [ws],
    });
    expect(listed).toMatchObject({mode: 'picking', workspaces: [ws], work: undefined});
    expect(apply(listed, {type: 'cancel'})).toMatchObject({mode: 'off'});
    const confirming = apply(listed, {type: 'pick', workspace: ws});
    expect(confirming).toMatchObject({mode: 'confirming', workspace: ws});
    expect(apply(confirming, {type: 'cancel'}).mode).toBe('off');
    const enabling = apply(confirming, {type: 'confirm'});
    expect(enabling).toMatchObject({mode: 'enabling', work: {kind: 'enable', workspace: ws}});
    const stale = apply(enabling, {
      type: 'enabled',
      id: 999,
      status: trafficStatus('/w'),
      created: true,
    });
    expect(stale).toBe(enabling);
    const done = apply(enabling, {
      type: 'enabled',
      id: workOf(enabling).id,
      status: trafficStatus('/w'),
      created: true,
    });
    expect(done).toMatchObject({mode: 'log', work: {kind: 'read'}});
    expect(done.note).toContain('records take a few minutes to appear');
    const failed = apply(enabling, {
      type: 'failed',
      id: workOf(enabling).id,
      error: {title: 'no', detail: '', nextSteps: [], kind: 'permission'},
    });
    expect(failed).toMatchObject({mode: 'off', error: {kind: 'permission'}});
  });

  it('every filter key starts a new read with its filter; identity cycles through those seen', () => {
    let s = apply(initialTraffic({endpoint: 'e', lastRequestId: 'last-req-1'}), {
      type: 'statusLoaded',
      id: 1,
      status: trafficStatus('/w'),
    });
    s = apply(s, {type: 'read', id: workOf(s).id, result: result(['a', 'b'])});
    expect(s.identities).toEqual(['a', 'b']);
    const filterAfter = (...actions: TrafficAction[]) => {
      const next = apply(s, ...actions);
      return next.work?.kind === 'read' ? next.work.filter : undefined;
    };
    expect(filterAfter({type: 'window'})).toEqual({sinceMs: 86_400_000});
    expect(filterAfter({type: 'window'}, {type: 'window'})).toEqual({sinceMs: 900_000});
    expect(filterAfter({type: 'failures'})).toEqual({sinceMs: 3_600_000, failuresOnly: true});
    expect(filterAfter({type: 'authType'})).toMatchObject({authType: 'key'});
    expect(filterAfter({type: 'authType'}, {type: 'authType'}, {type: 'authType'})).toMatchObject({
      authType: 'aad_token',
    });
    expect(
      filterAfter({type: 'authType'}, {type: 'authType'}, {type: 'authType'}, {type: 'authType'}),
    ).toEqual({sinceMs: 3_600_000});
    expect(filterAfter({type: 'identity'})).toMatchObject({identity: 'a'});
    expect(filterAfter({type: 'identity'}, {type: 'identity'})).toMatchObject({identity: 'b'});
    expect(filterAfter({type: 'identity'}, {type: 'identity'}, {type: 'identity'})).toEqual({
      sinceMs: 3_600_000,
    });
    expect(filterAfter({type: 'lastRequest'})).toMatchObject({requestId: 'last-req-1'});
    expect(filterAfter({type: 'failures'}, {type: 'authType'}, {type: 'clearFilters'})).toEqual({
      sinceMs: 3_600_000,
    });
    // Keys typed together each count, in order: f then a.
    expect(filterAfter({type: 'failures'}, {type: 'authType'})).toEqual({
      sinceMs: 3_600_000,
      failuresOnly: true,
      authType: 'key',
    });
    // Only the newest read's answer is kept.
    const twice = apply(s, {type: 'failures'}, {type: 'failures'});
    expect(apply(twice, {type: 'read', id: workOf(twice).id - 1, result: result([])})).toBe(twice);
  });

  it('a request ID typed in the field filters to its row; esc leaves the filter as it was', () => {
    let s = apply(initialTraffic({endpoint: 'e'}), {
      type: 'statusLoaded',
      id: 1,
      status: trafficStatus('/w'),
    });
    s = apply(s, {type: 'read', id: workOf(s).id, result: result(['a'])});
    const typing = apply(
      s,
      {type: 'openRequestId'},
      {type: 'edit', edit: {type: 'insert', text: 'abc-1234'}},
    );
    expect(typing).toMatchObject({mode: 'requestId', draft: 'abc-1234'});
    expect(apply(typing, {type: 'failures'})).toBe(typing);
    const applied = apply(typing, {type: 'applyRequestId'});
    expect(applied).toMatchObject({mode: 'log', work: {filter: {requestId: 'abc-1234'}}});
    expect(apply(typing, {type: 'cancel'})).toMatchObject({
      mode: 'log',
      filters: {since: 1, failuresOnly: false},
    });
  });

  it('↑/↓ move within the rows', () => {
    let s = apply(initialTraffic({endpoint: 'e'}), {
      type: 'statusLoaded',
      id: 1,
      status: trafficStatus('/w'),
    });
    s = apply(s, {type: 'read', id: workOf(s).id, result: result(['a', 'b', 'c'])});
    expect(
      apply(s, {type: 'move', by: 1}, {type: 'move', by: 1}, {type: 'move', by: 1}).cursor,
    ).toBe(2);
    expect(apply(s, {type: 'move', by: -1}).cursor).toBe(0);
  });
});

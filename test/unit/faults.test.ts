import {describe, expect, it} from 'vitest';
import {FaultInjector, parseFaults} from '../../source/sandbox/faults';

describe('parseFaults', () => {
  it('parses every fault kind and option', () => {
    const rules = parseFaults(
      'arm:429:next=2:retry-after=7, identity:503, scoring:latency=300ms:rate=0.5,all:drop,arm:500',
    );
    expect(rules).toEqual([
      {
        surface: 'arm',
        fault: {type: 'status', status: 429, retryAfterSeconds: 7},
        rate: 1,
        remaining: 2,
        spec: 'arm:429:next=2:retry-after=7',
      },
      {
        surface: 'identity',
        fault: {type: 'status', status: 503, retryAfterSeconds: 1},
        rate: 1,
        remaining: undefined,
        spec: 'identity:503',
      },
      {
        surface: 'scoring',
        fault: {type: 'latency', ms: 300},
        rate: 0.5,
        remaining: undefined,
        spec: 'scoring:latency=300ms:rate=0.5',
      },
      {surface: 'all', fault: {type: 'drop'}, rate: 1, remaining: undefined, spec: 'all:drop'},
      {
        surface: 'arm',
        fault: {type: 'status', status: 500, retryAfterSeconds: 1},
        rate: 1,
        remaining: undefined,
        spec: 'arm:500',
      },
    ]);
  });

  it('an empty spec means no faults', () => {
    expect(parseFaults('')).toEqual([]);
    expect(parseFaults(' , ')).toEqual([]);
  });

  it.each([
    ['admin:429', /surface must be identity, arm, scoring, logs or all/],
    ['storage:500', /surface must be/],
    ['arm', /name a fault/],
    ['arm:404', /unknown fault '404'/],
    ['arm:latency=soon', /is not a duration/],
    ['arm:429:rate=2', /rate must be between 0 and 1/],
    ['arm:429:rate=abc', /rate must be between 0 and 1/],
    ['arm:429:next=0', /next must be a whole number/],
    ['arm:429:next=1.5', /next must be a whole number/],
    ['arm:429:retry-after=-1', /retry-after must be whole seconds/],
    ['arm:429:often', /unknown option 'often'/],
    ['arm:429,scoring:teapot', /fault 'scoring:teapot': unknown fault/],
  ])('rejects %j', (spec, message) => {
    expect(() => parseFaults(spec)).toThrow(message);
  });
});

describe('FaultInjector', () => {
  it('next=N fires for exactly N matching requests, then the rule is gone from list()', () => {
    const f = new FaultInjector();
    f.set(parseFaults('arm:503:next=2'));
    expect(f.list().map((r) => r.spec)).toEqual(['arm:503:next=2']);
    expect(f.pick('identity')).toEqual([]); // another surface does not consume it
    expect(f.pick('arm')).toEqual([{type: 'status', status: 503, retryAfterSeconds: 1}]);
    expect(f.list()[0]?.remaining).toBe(1);
    expect(f.pick('arm')).toHaveLength(1);
    expect(f.pick('arm')).toEqual([]);
    expect(f.list()).toEqual([]);
  });

  it('a rule for all surfaces applies to each of them', () => {
    const f = new FaultInjector();
    f.set(parseFaults('all:500'));
    for (const s of ['identity', 'arm', 'scoring', 'logs'] as const)
      expect(f.pick(s)).toHaveLength(1);
  });

  it('the Log Analytics query API is a surface of its own', () => {
    const f = new FaultInjector();
    f.set(parseFaults('logs:429:next=1'));
    expect(f.pick('arm')).toEqual([]);
    expect(f.pick('logs')).toEqual([{type: 'status', status: 429, retryAfterSeconds: 1}]);
    expect(f.pick('logs')).toEqual([]);
  });

  it('fires at most one latency and one terminal fault per request', () => {
    const f = new FaultInjector();
    f.set(parseFaults('arm:latency=1s,arm:latency=2s,arm:429,arm:drop:next=1'));
    expect(f.pick('arm')).toEqual([
      {type: 'latency', ms: 1000},
      {type: 'status', status: 429, retryAfterSeconds: 1},
    ]);
    // The drop rule was skipped, so it did not use up its one request.
    expect(f.list().find((r) => r.spec === 'arm:drop:next=1')?.remaining).toBe(1);
  });

  it('rate=0 never fires and rate=1 always does', () => {
    const f = new FaultInjector();
    f.set(parseFaults('scoring:500:rate=0'));
    for (let i = 0; i < 200; i++) expect(f.pick('scoring')).toEqual([]);
    f.set(parseFaults('scoring:500:rate=1'));
    for (let i = 0; i < 200; i++) expect(f.pick('scoring')).toHaveLength(1);
  });

  it('a rate fires for about that share of requests, reproducibly', () => {
    const run = () => {
      const f = new FaultInjector();
      f.set(parseFaults('arm:503:rate=0.3'));
      return Array.from({length: 2000}, () => f.pick('arm').length);
    };
    const first = run();
    const hits = first.reduce((a, b) => a + b, 0);
    expect(hits).toBeGreaterThan(2000 * 0.25);
    expect(hits).toBeLessThan(2000 * 0.35);
    expect(run()).toEqual(first);
  });

  it('rate and next combine: only requests that fire use up the count', () => {
    const f = new FaultInjector();
    f.set(parseFaults('arm:429:rate=0.5:next=3'));
    let fired = 0;
    for (let i = 0; i < 100; i++) fired += f.pick('arm').length;
    expect(fired).toBe(3);
  });

  it('set() replaces the rules', () => {
    const f = new FaultInjector();
    f.set(parseFaults('arm:500'));
    f.set([]);
    expect(f.pick('arm')).toEqual([]);
    expect(f.list()).toEqual([]);
  });
});

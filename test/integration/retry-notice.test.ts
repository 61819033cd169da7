import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {resolveCloud} from '../../source/azure/clouds';
import {createServices} from '../../source/azure/services';
import type {RetryNotice} from '../../source/domain/types';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, startTestSandbox} from '../helpers/sandbox';

// The real ARM clients' retry policy, seen through the notice policy: the wait is told before it
// happens, the answer after it is the one the caller gets.

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox?.stop());

async function signedIn(notices: RetryNotice[]) {
  const services = createServices(await resolveCloud(sandbox.descriptor.cloudFile), {
    onRetry: (n) => notices.push(n),
  });
  const ops = principal(sandbox, 'ops-automation');
  await services.signIn(
    'service-principal',
    {clientId: ops.clientId!, clientSecret: ops.clientSecret!},
    {},
  );
  return services;
}

describe('Resource Manager retries are told', () => {
  it('a 429 with Retry-After: one notice with the wait, then the list as if nothing happened', async () => {
    const notices: RetryNotice[] = [];
    const services = await signedIn(notices);
    sandbox.setFaults('arm:429:next=1:retry-after=1');
    const subs = await services.listSubscriptions();
    // ops-automation holds a role in Sandbox Dev only.
    expect(subs.map((s) => s.displayName)).toEqual(['Sandbox Dev']);
    expect(notices).toEqual([
      {
        host: new URL(sandbox.descriptor.resourceManagerEndpoint).host,
        status: 429,
        retryInSeconds: 1,
        attempt: 1,
        maxAttempts: 4,
      },
    ]);
  });

  it('two 503s then an answer: two notices, attempts 1 and 2', async () => {
    const notices: RetryNotice[] = [];
    const services = await signedIn(notices);
    sandbox.setFaults('arm:503:next=2:retry-after=0');
    await services.listSubscriptions();
    expect(notices.map((n) => [n.status, n.attempt, n.retryInSeconds])).toEqual([
      [503, 1, 0],
      [503, 2, 0],
    ]);
  });

  it('no fault, no notice', async () => {
    const notices: RetryNotice[] = [];
    const services = await signedIn(notices);
    sandbox.setFaults('');
    await services.listSubscriptions();
    expect(notices).toEqual([]);
  });
});

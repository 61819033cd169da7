import {describe, expect, it} from 'vitest';
import {KEY} from '../helpers/pty';
import {signInToEndpoints, wizardSandbox} from '../helpers/wizard-e2e';

// The wizard fetches a list once a session: going back and forth shows the list it has; only
// ctrl+r fetches it again. Counted from the sandbox's request log (deterministic, no timing).
const box = wizardSandbox('lists');

const LISTS = {
  subscriptions: /^\/subscriptions$/,
  workspaces:
    /^\/subscriptions\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces$/i,
  endpoints: /\/workspaces\/[^/]+\/onlineEndpoints$/i,
};

function listCalls(): Record<keyof typeof LISTS, number> {
  const gets = box.sandbox
    .requests()
    .filter((r) => r.surface === 'arm' && r.method === 'GET')
    .map((r) => r.path.split('?')[0]!);
  return {
    subscriptions: gets.filter((p) => LISTS.subscriptions.test(p)).length,
    workspaces: gets.filter((p) => LISTS.workspaces.test(p)).length,
    endpoints: gets.filter((p) => LISTS.endpoints.test(p)).length,
  };
}

describe('lists in one wizard session', () => {
  it('are fetched once, however often the user goes back and forth; ctrl+r fetches again', async () => {
    box.sandbox.clearRequests();
    const app = box.wizard();
    await signInToEndpoints(app);
    expect(listCalls()).toEqual({subscriptions: 1, workspaces: 1, endpoints: 1});

    // Back to the workspaces, back to the subscriptions, and forward again twice.
    for (let round = 0; round < 2; round++) {
      await app.press(KEY.escape);
      await app.waitForText('Choose a workspace in Sandbox Dev');
      await app.waitForText('ws-experiments');
      await app.press(KEY.escape);
      await app.waitForText('Choose a subscription');
      await app.waitForText('Sandbox Prod');
      await app.press(KEY.enter);
      await app.waitForText('ws-experiments');
      await app.press(KEY.enter);
      await app.waitForText('churn-scorer');
    }
    expect(listCalls()).toEqual({subscriptions: 1, workspaces: 1, endpoints: 1});

    // Another subscription's workspaces are another list: fetched once too.
    await app.press(KEY.escape);
    await app.waitForText('ws-experiments');
    await app.press(KEY.escape);
    await app.waitForText('Sandbox Prod');
    await app.press(KEY.down, KEY.enter);
    await app.waitForText('ws-prod');
    await app.press(KEY.escape);
    await app.waitForText('Choose a subscription');
    await app.press(KEY.down, KEY.enter);
    await app.waitForText('ws-prod');
    expect(listCalls()).toEqual({subscriptions: 1, workspaces: 2, endpoints: 1});

    // ctrl+r reloads the list on screen, and only that one.
    await app.press(KEY.escape);
    await app.waitForText('Choose a subscription');
    await app.press(KEY.up, KEY.enter);
    await app.waitForText('ws-experiments');
    await app.press(KEY.enter);
    await app.waitForText('churn-scorer');
    await app.press(KEY.ctrl('r'));
    await app.waitForText('churn-scorer');
    await expect.poll(() => listCalls().endpoints).toBe(2);
    expect(listCalls()).toEqual({subscriptions: 1, workspaces: 2, endpoints: 2});
    app.kill();
  }, 60_000);
});

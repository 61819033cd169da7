import {describe, expect, it} from 'vitest';
import {KEY} from '../helpers/pty';
import {request} from '../helpers/sandbox';
import {saveChurnScorer, signInToEndpoints, wizardSandbox} from '../helpers/wizard-e2e';

// Issue 14: the management token expires mid-session and no fresh one can be had (the user's
// sessions were revoked, so the refresh token is refused). The step's error says to sign in
// again and offers `s`; Esc from that sign-in returns to the step with the error; a sign-in
// again lands back on the same endpoint's step, whose call then works.

const e2e = wizardSandbox('sign-in-again');

const admin = (method: string, path: string, body?: unknown) =>
  request(e2e.sandbox, path, {
    method,
    headers: {
      'x-sandbox-admin': e2e.sandbox.descriptor.adminToken,
      'content-type': 'application/json',
    },
    ...(body === undefined ? {} : {body: JSON.stringify(body)}),
  });

const listKeys = (r: {method: string; path: string}) =>
  r.method === 'POST' &&
  /\/onlineEndpoints\/churn-scorer\/listKeys$/.test(r.path.replace(/\?.*/, ''));

describe('signing in again in place', () => {
  it('revoked sessions and an expired token: s signs in again and the same step works again', async () => {
    const app = e2e.wizard({cols: 110, rows: 40});
    await signInToEndpoints(app);
    await saveChurnScorer(app);
    await app.waitForText('Save profile');
    for (let i = 0; i < 5; i++) await app.press(KEY.up);
    await app.press(KEY.down);
    await app.press(KEY.enter);
    await app.waitForText(/primary\s+••••/);
    await app.press(KEY.escape);
    await app.waitForText('Traffic log');

    // Through the admin API, as a test or a demo would: revoke, then move past the token's life.
    expect((await admin('POST', '/__sandbox/revoke-sessions', {user: 'owner'})).status).toBe(200);
    expect((await admin('POST', '/__sandbox/clock', {advance: '2h'})).status).toBe(200);
    e2e.sandbox.clearRequests();

    await app.press(KEY.enter); // Credentials, highlighted again on return
    const failed = await app.waitForText('Your sign-in has expired', 20_000);
    expect(failed).toContain('ExpiredAuthenticationToken');
    expect(failed).toMatch(/s\s+sign in again/);
    // The header no longer counts down time the refused token does not have. (The error panel
    // offers the sign-in from its effect, so the header says so a frame after the error shows.)
    expect(await app.waitForText(/management token refused/)).toContain('Your sign-in has expired');
    expect(
      e2e.sandbox
        .requests()
        .filter(listKeys)
        .map((r) => r.status),
    ).toEqual([401]);

    // Esc from the sign-in (held up here by a slow token endpoint) returns to the error.
    expect(
      (await admin('PUT', '/__sandbox/faults', {spec: 'identity:latency=4s:next=1'})).status,
    ).toBe(200);
    await app.press('s');
    await app.waitForText('Signing in again as');
    await app.press(KEY.escape);
    const back = await app.waitForText('Your sign-in has expired');
    expect(back).not.toContain('Signing in again as');
    expect(back).toContain('· Credentials ·');
    expect((await admin('DELETE', '/__sandbox/faults')).status).toBe(200);

    // Sign in again for real: the device code (approved by the sandbox), then the same step.
    await app.press('s');
    await app.waitForText('Signing in again as');
    await app.waitForText(/primary\s+••••/, 30_000);
    const after = app.screen();
    expect(after).toContain('· Credentials ·');
    expect(after).toContain('churn-scorer (key)');
    expect(after).not.toContain('Your sign-in has expired');
    expect(after).not.toMatch(/management token refused/);
    expect(after).toMatch(/management token \d+ ?(m|min|h)/);
    const statuses = e2e.sandbox
      .requests()
      .filter(listKeys)
      .map((r) => r.status);
    expect(statuses.at(-1)).toBe(200);
    // The path is kept: Esc goes to home, then to the endpoint list.
    await app.press(KEY.escape);
    await app.waitForText('Traffic log');
    await app.press(KEY.escape);
    await app.waitForText('fraud-aad');
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 120_000);
});

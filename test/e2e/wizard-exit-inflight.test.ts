/**
 * Leaving the wizard does not wait for a request that is still in flight. A sign-in given up on
 * leaves its token request running (MSAL's requests take no AbortSignal); before, ctrl+c restored
 * the terminal and then the process lived on until that request ended.
 */
import {describe, expect, it} from 'vitest';
import {KEY} from '../helpers/pty';
import {wizardSandbox} from '../helpers/wizard-e2e';

const e2e = wizardSandbox('exit-inflight');

describe('the wizard ends at once, whatever is still in flight', () => {
  it('ctrl+c while a sign-in waits on a slow token endpoint: exit 130 now, not after the request', async () => {
    // Every identity request waits a minute: far longer than the exit is given below.
    e2e.sandbox.setFaults('identity:latency=60s');
    try {
      const app = e2e.wizard();
      await app.waitForText('How do you want to sign in?');
      await app.press(KEY.enter); // device code
      await app.waitForText('Tenant:');
      await app.press(KEY.enter);
      await app.waitForText(/Signing in|Asking|Waiting|Contacting/i);
      await app.press(KEY.ctrl('c'));
      const {exitCode} = await app.exited(10_000);
      expect(exitCode).toBe(130);
    } finally {
      e2e.sandbox.setFaults('');
    }
  });

  it('Esc gives the sign-in up, then ctrl+c: exit 130 now', async () => {
    e2e.sandbox.setFaults('identity:latency=60s');
    try {
      const app = e2e.wizard();
      await app.waitForText('How do you want to sign in?');
      await app.press(KEY.enter);
      await app.waitForText('Tenant:');
      await app.press(KEY.enter);
      await app.waitForText(/Signing in|Asking|Waiting|Contacting/i);
      await app.press(KEY.escape);
      await app.waitForText('Sign-in cancelled.');
      await app.press(KEY.ctrl('c'));
      const {exitCode} = await app.exited(10_000);
      expect(exitCode).toBe(130);
    } finally {
      e2e.sandbox.setFaults('');
    }
  });
});

import {afterEach, describe, expect, it} from 'vitest';
import {EnvProvider} from '../../source/app/app-context';
import {Wizard} from '../../source/app/wizard/app';
import type {WizardState} from '../../source/app/wizard/state';
import type {AccessTokenInfo} from '../../source/domain/types';
import {
  endpoint,
  fakeServices,
  signInResult,
  subscriptions,
  testEnv,
  workspaces,
} from '../helpers/fake-services';
import {renderApp} from '../helpers/ink';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('the management token refresh', () => {
  it('asks for a new token when the old one is due, once, and then waits for the new one', async () => {
    const session = signInResult();
    // Due five minutes before expiry: in a moment.
    const old: AccessTokenInfo = {...session.managementToken, expiresOn: Date.now() + 300_500};
    const calls: number[] = [];
    const services = fakeServices({
      managementToken: async () => {
        calls.push(Date.now());
        return {token: 'new', expiresOn: Date.now() + 3_600_000};
      },
    });
    const subscription = subscriptions[0]!;
    const workspace = workspaces[0]!;
    const e = endpoint('churn');
    const state: WizardState = {
      screen: {step: 'home', ctx: {subscription, workspace, endpoint: e}},
      history: [{step: 'endpoint', subscription, workspace, current: e}],
      session: {method: 'device-code', params: {}, result: {...session, managementToken: old}},
      managementToken: old,
      help: false,
    };
    const app = renderApp(
      <EnvProvider value={testEnv({services})}>
        <Wizard initial={state} />
      </EnvProvider>,
    );
    cleanup = app.unmount;
    await app.waitForText('Save profile');
    await new Promise((r) => setTimeout(r, 1600));
    expect(calls).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1200));
    expect(calls).toHaveLength(1);
  });
});

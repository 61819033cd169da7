import {afterEach, describe, expect, it} from 'vitest';
import {EnvProvider} from '../../source/app/app-context';
import {ServiceError, toAppError} from '../../source/azure/errors';
import {Wizard} from '../../source/app/wizard/app';
import type {WizardState} from '../../source/app/wizard/state';
import type {Services} from '../../source/domain/services';
import {
  endpoint,
  fakeServices,
  logAnalyticsWorkspaces,
  signInResult,
  subscriptions,
  testEnv,
  trafficStatus,
  workspaces,
} from '../helpers/fake-services';
import {keys, renderApp} from '../helpers/ink';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function home(lastRequestId?: string): WizardState {
  const subscription = subscriptions[0]!;
  const workspace = workspaces[0]!;
  const e = endpoint('fraud', {authMode: 'aad_token'});
  return {
    screen: {
      step: 'home',
      ctx: {subscription, workspace, endpoint: e, ...(lastRequestId ? {lastRequestId} : {})},
    },
    history: [{step: 'endpoint', subscription, workspace, current: e}],
    session: {method: 'device-code', params: {}, result: signInResult()},
    managementToken: signInResult().managementToken,
    help: false,
  };
}

function start(services: Services, state = home()) {
  const env = testEnv({services});
  const app = renderApp(
    <EnvProvider value={env}>
      <Wizard initial={state} />
    </EnvProvider>,
  );
  cleanup = app.unmount;
  return {app, env};
}

async function openTrafficLog(app: ReturnType<typeof start>['app']) {
  await app.waitForText('Traffic log');
  // The last entry of the home: Roles, Credentials, Invoke, Deployments, Auth mode, Save, Traffic log.
  for (let i = 0; i < 6; i++) await app.press(keys.down);
  await app.press(keys.enter);
}

const queries = (services: ReturnType<typeof fakeServices>) =>
  (services.calls.queryLogs ?? []).map((args) => String(args[1]));

describe('the Traffic log screen', () => {
  it('off: e picks a workspace (filtering as you type), asks, turns it on, then shows who called', async () => {
    const services = fakeServices();
    const {app} = start(services);
    await openTrafficLog(app);
    await app.waitForText('Traffic logging is off');
    expect(app.frame()).toContain('No diagnostic settings on this endpoint.');
    await app.press('e');
    await app.waitForText('law-two');
    await app.type('two');
    await app.waitFor((f) => !f.includes('law-one'), 'the filter to hide law-one');
    await app.press(keys.enter);
    await app.waitForText('Send the traffic log of fraud to law-two (rg2)?');
    await app.press('y');
    const log = await app.waitForText(/2 requests · AADToken 2/);
    expect(services.calls.enableTrafficLogging).toEqual([
      [
        expect.objectContaining({endpoint: 'fraud'}),
        logAnalyticsWorkspaces[1]!.id,
        expect.anything(),
      ],
    ]);
    expect(log).toContain('Traffic logging is on: law-two receives AmlOnlineEndpointTrafficLog');
    expect(log).toMatch(/aml-auth-traffic-log → law-two TrafficLog ✓/);
    // The signed-in identity's object ID is shown by its name; an unknown one as the object ID.
    expect(log).toMatch(/200\s+AADToken\s+ada@contoso\.test\s+OK/);
    expect(log).toMatch(/401\s+AADToken\s+55555555-5555-5555-555…\s+aad_token_invalid_audience/);
    // The summary line wraps with the terminal's width.
    expect(log.replace(/\s+/g, ' ')).toContain(
      'ada@contoso.test 1, 55555555-5555-5555-5555-555555555555 1 · 50% failed (1)',
    );
    expect(log).toContain('identity 11111111-1111-1111-1111-111111111111 (ada@contoso.test)');
  });

  it('filters run new queries; keys typed together all count; k shows and c copies the KQL', async () => {
    const services = fakeServices({
      trafficLogging: async () => trafficStatus(logAnalyticsWorkspaces[0]!.id),
    });
    const {app, env} = start(services, home('req-from-invoke'));
    await openTrafficLog(app);
    await app.waitForText('2 requests');
    // f and a in one write: failures only, then the first auth type.
    app.stdin.write('fa');
    await app.waitForText('failures only · auth key');
    await app.waitFor(
      () => queries(services).some((q) => /ResponseCode != 200[\s\S]*AuthType == "Key"/.test(q)),
      'the filtered query',
    );
    await app.press('x');
    await app.waitForText('failures all · auth all');
    await app.press('l');
    await app.waitForText('request req-from-invoke');
    expect(queries(services).at(-1)).toContain('| where XRequestId =~ "req-from-invoke"');
    await app.press('/');
    await app.waitForText('x-request-id:');
    await app.press(keys.ctrl('u'));
    await app.type('abc-12345');
    await app.press(keys.enter);
    await app.waitForText('request abc-12345');
    await app.press('k');
    const kql = await app.waitForText('KQL (c copies it for the Logs blade):');
    expect(kql).toContain('| where XRequestId =~ "abc-12345"');
    await app.press('c');
    await app.waitForText(/The KQL sent to your terminal/);
    expect(env.copied.at(-1)).toMatch(
      /^AmlOnlineEndpointTrafficLog\n\| where TimeGenerated > ago\(1h\)/,
    );
    await app.press(keys.escape);
    await app.waitForText('Save profile');
  });

  it('a 403 reading the log is explained in the words of the permission', async () => {
    const services = fakeServices({
      trafficLogging: async () => trafficStatus(logAnalyticsWorkspaces[0]!.id),
      readTrafficLog: async () => {
        throw new ServiceError({
          kind: 'permission',
          title: "Can't query the traffic log: permission denied",
          detail:
            'The provided credentials have insufficient access to perform the requested operation',
          hint: "Reading the traffic log needs 'Microsoft.OperationalInsights/workspaces/query/read': Log Analytics Reader (or Reader) on the Log Analytics workspace.",
          nextSteps: [],
          status: 403,
        });
      },
      explainError: (err, operation) => toAppError(err, {operation}),
    });
    const {app} = start(services);
    await openTrafficLog(app);
    const f = await app.waitForText('insufficient access');
    expect(f).toContain('Microsoft.OperationalInsights/workspaces/query/read');
  });
});

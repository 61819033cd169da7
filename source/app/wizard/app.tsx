import {Box, useApp} from 'ink';
import {useKeys} from '../hooks/use-keys';
import {useCallback, useEffect, useReducer, useState} from 'react';
import {TextEntryContext, useEnv} from '../app-context';
import {Help} from '../components/help';
import {useTask} from '../hooks/use-task';
import {Header} from '../components/header';
import {type Binding, matches} from '../keymap';
import {initialState, reducer, STEP_TITLES, type WizardState} from './state';
import {AuthModeStep} from './steps/auth-mode/view';
import {CreateEndpointStep} from './steps/create-endpoint/view';
import {CredentialsStep} from './steps/credentials/view';
import {HomeStep} from './steps/home/view';
import {InvokeStep} from './steps/invoke/view';
import {RolesStep} from './steps/roles/view';
import {EndpointStep} from './steps/endpoint/view';
import {ResumeStep} from './steps/resume/view';
import {SaveStep} from './steps/save/view';
import {SignInStep} from './steps/sign-in/view';
import {StartStep} from './steps/start/view';
import {SubscriptionStep} from './steps/subscription/view';
import {WorkspaceStep} from './steps/workspace/view';

/** Which keymap scopes each step uses: the help shows those in full. */
const HELP_SCOPES: Record<WizardState['step'], Binding['scope'][]> = {
  start: ['profiles', 'lists'],
  signIn: ['sign-in', 'lists', 'forms'],
  resume: [],
  subscription: ['lists'],
  workspace: ['lists'],
  endpoint: ['endpoints', 'lists'],
  createEndpoint: ['forms'],
  authMode: ['auth mode'],
  save: ['forms'],
  home: ['home', 'lists'],
  roles: ['roles', 'lists', 'forms'],
  credentials: ['credentials'],
  invoke: ['invoke', 'lists', 'forms'],
};

export interface WizardProps {
  /** For tests: start from a given state. */
  initial?: WizardState;
  /** Told when the user quits with ctrl+c (the CLI then exits 130). */
  onInterrupt?: () => void;
}

/** The wizard's root: owns the flow state, the global keys and the one exit path. */
export function Wizard({initial, onInterrupt}: WizardProps) {
  const env = useEnv();
  const {exit} = useApp();
  const [state, dispatch] = useReducer(
    reducer,
    initial ?? initialState(env.profiles.list().length > 0),
  );
  const [textEntry, setTextEntry] = useState(false);
  const setEntry = useCallback((active: boolean) => setTextEntry(active), []);

  useKeys((input, key) => {
    if (matches('quit', input, key)) {
      onInterrupt?.();
      exit();
    } else if (state.help && (key.escape || matches('help', input, key)))
      dispatch({type: 'toggleHelp'});
    else if (!textEntry && matches('help', input, key)) dispatch({type: 'toggleHelp'});
  });

  useManagementTokenRefresh(state, dispatch);

  const active = !state.help;
  const props = {dispatch, isActive: active};
  let screen: React.ReactNode = null;
  switch (state.step) {
    case 'start':
      screen = <StartStep {...props} />;
      break;
    case 'signIn':
      screen = (
        <SignInStep
          key={state.resume?.profileName ?? 'new'}
          {...props}
          resume={state.resume}
          defaultTenant={env.services.cloud.tenantId}
        />
      );
      break;
    case 'resume':
      screen = state.resume ? <ResumeStep {...props} target={state.resume} /> : null;
      break;
    case 'subscription':
      screen = (
        <SubscriptionStep
          {...props}
          identity={state.session?.result.identity}
          current={state.subscription}
        />
      );
      break;
    case 'workspace':
      screen = state.subscription ? (
        <WorkspaceStep {...props} subscription={state.subscription} current={state.workspace} />
      ) : null;
      break;
    case 'endpoint':
      screen = state.workspace ? (
        <EndpointStep {...props} workspace={state.workspace} current={state.endpoint} />
      ) : null;
      break;
    case 'createEndpoint':
      screen = state.workspace ? (
        <CreateEndpointStep {...props} workspace={state.workspace} taken={state.takenNames} />
      ) : null;
      break;
    case 'authMode':
      screen = state.endpoint ? (
        <AuthModeStep key={state.endpoint.id} {...props} endpoint={state.endpoint} />
      ) : null;
      break;
    case 'save':
      screen = <SaveStep {...props} state={state} />;
      break;
    case 'home':
      screen = <HomeStep {...props} state={state} />;
      break;
    case 'roles':
      screen =
        state.endpoint && state.workspace && state.session ? (
          <RolesStep
            {...props}
            endpoint={state.endpoint}
            workspace={state.workspace}
            identity={state.session.result.identity}
          />
        ) : null;
      break;
    case 'credentials':
      screen = state.endpoint ? (
        <CredentialsStep
          key={state.endpoint.authMode}
          {...props}
          endpoint={state.endpoint}
          cached={state.credential}
        />
      ) : null;
      break;
    case 'invoke':
      screen = state.endpoint ? (
        <InvokeStep
          {...props}
          endpoint={state.endpoint}
          cached={state.credential}
          permissions={state.permissions}
          initialDeployment={state.deployment}
          initialFile={state.requestFile}
        />
      ) : null;
      break;
  }

  return (
    <TextEntryContext.Provider value={setEntry}>
      <Box flexDirection="column">
        {state.help ? null : (
          <Header
            cloud={env.services.cloud.name}
            step={STEP_TITLES[state.step]}
            subscription={state.subscription}
            workspace={state.workspace}
            endpoint={state.endpoint}
            identity={state.session?.result.identity}
            token={state.managementToken}
            banner={env.banner}
          />
        )}
        {state.help ? <Help scopes={HELP_SCOPES[state.step]} /> : null}
        <Box display={state.help ? 'none' : 'flex'} flexDirection="column">
          {screen}
        </Box>
      </Box>
    </TextEntryContext.Provider>
  );
}

/**
 * Keeps the header's management token fresh: when its refresh-after time (or five minutes before
 * expiry) comes, ask the credential for a new one through useTask (MSAL serves it from its cache
 * or refreshes it). A failed or unchanged refresh tries again a minute later.
 */
function useManagementTokenRefresh(
  state: WizardState,
  dispatch: React.Dispatch<Parameters<typeof reducer>[1]>,
) {
  const {services} = useEnv();
  const token = state.managementToken;
  const signedIn = state.session !== undefined;
  const [retry, setRetry] = useState(0);
  const refresh = useTask(
    (signal) => services.managementToken(signal),
    (err) => services.explainError(err, 'Refresh the management token'),
  );
  const {run} = refresh;
  useEffect(() => {
    if (!signedIn || !token) return;
    const due =
      retry > 0 ? Date.now() + 60_000 : (token.refreshAfter ?? token.expiresOn - 5 * 60_000);
    const timer = setTimeout(
      () => {
        void run().then((t) => {
          if (t && t.expiresOn !== token.expiresOn) {
            setRetry(0);
            dispatch({type: 'tokenRefreshed', token: t});
          } else setRetry((n) => n + 1);
        });
      },
      Math.max(1000, due - Date.now()),
    );
    timer.unref?.();
    return () => clearTimeout(timer);
  }, [run, signedIn, token, retry, dispatch]);
}

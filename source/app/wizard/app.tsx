import {Box, type DOMElement, Text, useApp, useWindowSize} from 'ink';
import {useKeys} from '../hooks/use-keys';
import {Fragment, useCallback, useMemo, useRef, useState} from 'react';
import {SignInAgainContext, TextEntryContext, useEnv} from '../app-context';
import {Help} from '../components/help';
import {SandboxPanel} from '../components/sandbox-panel';
import {Header} from '../components/header';
import {useBannerRoom} from '../hooks/use-banner-room';
import {useRetryNotice} from '../hooks/use-retry-notice';
import {useStore} from '../hooks/use-store';
import {theme} from '../theme';
import {type Binding, bindingFor} from '../keymap';
import {
  canSignInAgain,
  initialState,
  reducer,
  scopeOf,
  STEP_TITLES,
  type Step,
  type WizardState,
} from './state';
import {useManagementTokenRefresh} from './token-refresh';
import {AuthModeStep} from './steps/auth-mode/view';
import {CreateEndpointStep} from './steps/create-endpoint/view';
import {CredentialsStep} from './steps/credentials/view';
import {DeploymentsStep} from './steps/deployments/view';
import {HomeStep} from './steps/home/view';
import {InvokeStep} from './steps/invoke/view';
import {TrafficLogStep} from './steps/traffic-log/view';
import {RolesStep} from './steps/roles/view';
import {EndpointStep} from './steps/endpoint/view';
import {ResumeStep} from './steps/resume/view';
import {SaveStep} from './steps/save/view';
import {SignInStep} from './steps/sign-in/view';
import {StartStep} from './steps/start/view';
import {SubscriptionStep} from './steps/subscription/view';
import {WorkspaceStep} from './steps/workspace/view';

/** Which keymap scopes each step uses: the help shows those in full. */
const HELP_SCOPES: Record<Step, Binding['scope'][]> = {
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
  deployments: ['deployments', 'lists', 'forms'],
  trafficLog: ['traffic log', 'lists', 'forms'],
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
  const {rows} = useWindowSize();
  const maxRows = Math.max(4, rows - 1);
  const outer = useRef<DOMElement>(null);
  const banner = useRef<DOMElement>(null);
  const viewport = useRef<DOMElement>(null);
  const content = useRef<DOMElement>(null);
  const boxes = useMemo(() => ({outer, banner, viewport, content}), []);
  const bannerRoom = useBannerRoom(boxes, maxRows);
  const retry = useRetryNotice(env.retries);
  const {exit} = useApp();
  const [state, dispatch, get] = useStore(
    reducer,
    () => initial ?? initialState(env.profiles.list().length > 0),
  );
  const [textEntry, setTextEntry] = useState(false);
  const setEntry = useCallback((active: boolean) => setTextEntry(active), []);

  useKeys(
    (input, key) => {
      const b = bindingFor(['quit', 'sandboxPanel', 'help', 'back'], input, key);
      const panel = env.sandbox ? get().sandboxPanel : undefined;
      if (b === 'quit') {
        onInterrupt?.();
        exit();
      } else if (b === 'sandboxPanel' && env.sandbox) dispatch({type: 'toggleSandboxPanel'});
      else if (panel) {
        // The panel is on screen: it takes its keys, the screen under it none.
        if (b === 'back') dispatch({type: 'toggleSandboxPanel'});
        else if (bindingFor(['sandboxReveal'], input, key))
          dispatch({type: 'toggleSandboxSecrets'});
      } else if (get().help && (b === 'back' || b === 'help')) dispatch({type: 'toggleHelp'});
      else if (!textEntry && b === 'help') dispatch({type: 'toggleHelp'});
      else if (!textEntry && canSignInAgain(get()) && bindingFor(['signInAgain'], input, key))
        dispatch({type: 'signInAgain'});
    },
    {isActive: true},
  );

  useManagementTokenRefresh(state, dispatch);

  const offer = useCallback(
    (delta: 1 | -1) => void dispatch({type: 'signInOffer', delta}),
    [dispatch],
  );
  const again = state.signInAgain;
  const available =
    state.session !== undefined && again === undefined && state.screen.step !== 'signIn';
  const offered = canSignInAgain(state);
  const signInAgainPort = useMemo(() => ({available, offered, offer}), [available, offered, offer]);

  const panel = env.sandbox && state.sandboxPanel ? state.sandboxPanel : undefined;
  const covered = state.help || panel !== undefined;
  // Signing in again covers the screen without closing it: Esc finds it as it was.
  const active = !covered && again === undefined;
  const props = {dispatch, isActive: active};
  const screen = state.screen;
  const identity = state.session?.result.identity;
  let view: React.ReactNode = null;
  switch (screen.step) {
    case 'start':
      view = <StartStep {...props} />;
      break;
    case 'signIn':
      view = (
        <SignInStep
          key={screen.resume?.profileName ?? 'new'}
          {...props}
          resume={screen.resume}
          defaultTenant={env.services.cloud.tenantId}
        />
      );
      break;
    case 'resume':
      view = <ResumeStep {...props} target={screen.target} />;
      break;
    case 'subscription':
      view = <SubscriptionStep {...props} identity={identity} current={screen.current} />;
      break;
    case 'workspace':
      view = (
        <WorkspaceStep {...props} subscription={screen.subscription} current={screen.current} />
      );
      break;
    case 'endpoint':
      view = <EndpointStep {...props} workspace={screen.workspace} current={screen.current} />;
      break;
    case 'createEndpoint':
      view = <CreateEndpointStep {...props} workspace={screen.workspace} taken={screen.taken} />;
      break;
    default: {
      // One endpoint's screens: keyed by the endpoint, so another endpoint's start fresh.
      const {ctx} = screen;
      const key = ctx.endpoint.id;
      switch (screen.step) {
        case 'authMode':
          view = <AuthModeStep key={key} {...props} endpoint={ctx.endpoint} />;
          break;
        case 'save':
          view = state.session ? (
            <SaveStep key={key} {...props} ctx={ctx} session={state.session} />
          ) : null;
          break;
        case 'home':
          view = <HomeStep key={key} {...props} ctx={ctx} />;
          break;
        case 'roles':
          view = identity ? (
            <RolesStep
              key={key}
              {...props}
              endpoint={ctx.endpoint}
              workspace={ctx.workspace}
              identity={identity}
            />
          ) : null;
          break;
        case 'credentials':
          view = (
            <CredentialsStep
              key={`${key} ${ctx.endpoint.authMode}`}
              {...props}
              endpoint={ctx.endpoint}
              cached={ctx.credential}
            />
          );
          break;
        case 'invoke':
          view = (
            <InvokeStep
              key={key}
              {...props}
              endpoint={ctx.endpoint}
              cached={ctx.credential}
              permissions={ctx.permissions}
              initialDeployment={ctx.deployment}
              initialFile={ctx.requestFile}
            />
          );
          break;
        case 'deployments':
          view = (
            <DeploymentsStep
              key={`${key} ${screen.logsOf ?? ''}`}
              {...props}
              endpoint={ctx.endpoint}
              logsOf={screen.logsOf}
            />
          );
          break;
        case 'trafficLog':
          view = identity ? (
            <TrafficLogStep
              key={key}
              {...props}
              endpoint={ctx.endpoint}
              identity={identity}
              lastRequestId={ctx.lastRequestId}
            />
          ) : null;
          break;
      }
    }
  }

  return (
    <SignInAgainContext.Provider value={signInAgainPort}>
      <TextEntryContext.Provider value={setEntry}>
        {/* Never taller than the terminal: the header stays on screen, and a screen too tall for
          it loses the header's banner, then its own top lines, not the header or its footer of
          keys. */}
        <Box ref={outer} flexDirection="column" maxHeight={maxRows}>
          {covered ? null : (
            <Header
              cloud={env.services.cloud.name}
              step={STEP_TITLES[screen.step]}
              {...scopeOf(screen)}
              identity={identity}
              token={state.managementToken}
              tokenRefused={state.tokenRefused === true}
              banner={env.banner}
              bannerHidden={!bannerRoom}
              bannerRef={banner}
            />
          )}
          {retry && !covered ? (
            <Text color={theme.status.warning} wrap="truncate-end">
              ↻ {retry}
            </Text>
          ) : null}
          {state.help && !panel ? <Help scopes={HELP_SCOPES[screen.step]} /> : null}
          {panel && env.sandbox ? (
            <SandboxPanel info={env.sandbox} revealed={panel.revealed} />
          ) : null}
          {again && !covered ? (
            <Text color={theme.status.info} wrap="wrap">
              Signing in again{identity ? ` as ${identity.name}` : ''}: you come back to{' '}
              {STEP_TITLES[screen.step]} as it was (esc returns there now).
            </Text>
          ) : null}
          {again && !covered ? (
            <SignInStep
              key={`again ${state.signIns ?? 0}`}
              dispatch={dispatch}
              isActive
              again={again}
              defaultTenant={env.services.cloud.tenantId}
            />
          ) : null}
          <Box
            ref={viewport}
            display={covered || again ? 'none' : 'flex'}
            flexDirection="column"
            flexShrink={1}
            overflowY="hidden"
            justifyContent="flex-end"
          >
            <Box ref={content} flexDirection="column" flexShrink={0}>
              {/* A sign-in again starts the screen afresh, so its work runs with the new sign-in. */}
              <Fragment key={state.signIns ?? 0}>{view}</Fragment>
            </Box>
          </Box>
        </Box>
      </TextEntryContext.Provider>
    </SignInAgainContext.Provider>
  );
}

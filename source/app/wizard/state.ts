import type {
  AccessTokenInfo,
  Endpoint,
  PermissionBlock,
  ScoringCredential,
  SignInMethod,
  SignInParams,
  SignInResult,
  Subscription,
  Workspace,
} from '../../domain/types';

/** Where a resumed profile points; the wizard signs in, then loads it. */
export interface ResumeTarget {
  profileName: string;
  method: SignInMethod;
  params: Omit<SignInParams, 'clientSecret'>;
  subscription: {id: string; name: string};
  resourceGroup: string;
  workspace: string;
  endpoint: string;
  deployment?: string;
  lastRequestFile?: string;
}

export interface Session {
  method: SignInMethod;
  /** Non-secret parameters only: a client secret never enters wizard state. */
  params: Omit<SignInParams, 'clientSecret'>;
  result: SignInResult;
}

/** The screens reachable from the endpoint's home. */
export type HomeTarget =
  'roles' | 'credentials' | 'invoke' | 'deployments' | 'trafficLog' | 'authMode' | 'save';

/**
 * Everything the screens of one chosen endpoint share. It is made fresh when an endpoint is
 * chosen (or a profile resumed), so nothing of another endpoint's — its credential, invoke
 * target, home cursor or profile name — can leak into this one's screens.
 */
export interface EndpointContext {
  subscription: Subscription;
  workspace: Workspace;
  endpoint: Endpoint;
  /** The profile this setup was resumed from or saved as. */
  profile?: string;
  /** The data-plane credential of the credentials step, reused by invoke while valid (memory only). */
  credential?: ScoringCredential;
  /** The signed-in identity's effective permissions at the endpoint, from the roles step. */
  permissions?: PermissionBlock[];
  /** The invoke step's choices, saved with the profile. */
  deployment?: string;
  requestFile?: string;
  /** The x-request-id of the last request sent from the invoke step (the traffic log finds it). */
  lastRequestId?: string;
  /** The home entry opened last, highlighted again on return. */
  lastOpened?: HomeTarget;
}

type EndpointStep =
  'authMode' | 'save' | 'home' | 'roles' | 'credentials' | 'invoke' | 'trafficLog';

/** One screen of the wizard with exactly the data it needs. */
export type Screen =
  | {step: 'start'}
  | {step: 'signIn'; resume?: ResumeTarget}
  | {step: 'resume'; target: ResumeTarget}
  | {step: 'subscription'; current?: Subscription}
  | {step: 'workspace'; subscription: Subscription; current?: Workspace}
  | {step: 'endpoint'; subscription: Subscription; workspace: Workspace; current?: Endpoint}
  | {step: 'createEndpoint'; subscription: Subscription; workspace: Workspace; taken: string[]}
  | {step: EndpointStep; ctx: EndpointContext}
  /** `logsOf`: opened on that deployment's logs (from invoke's 424/502); Esc returns there. */
  | {step: 'deployments'; ctx: EndpointContext; logsOf?: string};

export type Step = Screen['step'];

/** Signing in again over the current screen, which stays as it is underneath. */
export interface SignInAgain {
  method: SignInMethod;
  params: Omit<SignInParams, 'clientSecret'>;
}

export interface WizardState {
  screen: Screen;
  /** Screens to return to with Esc, each with the data it had. */
  history: Screen[];
  session?: Session;
  managementToken?: AccessTokenInfo;
  /**
   * The management token was refused (the sign-in can no longer get tokens): the header says so
   * instead of counting down time the token does not have. Cleared by a new token.
   */
  tokenRefused?: true;
  /** Errors on screen that say to sign in again (each panel counts itself in and out). */
  signInOffers?: number;
  /** Signing in again in place; Esc returns to the screen, success goes on from it. */
  signInAgain?: SignInAgain;
  /** Sign-ins again so far: the screen under one starts afresh after it (its work runs again). */
  signIns?: number;
  help: boolean;
  /** With --sandbox: its panel is open (ctrl+s), secrets masked until revealed. */
  sandboxPanel?: {revealed: boolean};
}

export type Action =
  | {type: 'newSetup'}
  | {type: 'resume'; target: ResumeTarget}
  | {type: 'signedIn'; session: Session}
  | {type: 'tokenRefreshed'; token: AccessTokenInfo}
  /** Refreshing the header's token failed in a way only signing in again mends. */
  | {type: 'tokenRefused'}
  /** An error saying "sign in again" appeared on screen (+1) or went away (-1). */
  | {type: 'signInOffer'; delta: 1 | -1}
  /** The `s` key under such an error: sign in again over this screen. */
  | {type: 'signInAgain'}
  | {type: 'resumed'; subscription: Subscription; workspace: Workspace; endpoint: Endpoint}
  | {type: 'subscriptionChosen'; subscription: Subscription}
  | {type: 'workspaceChosen'; workspace: Workspace}
  | {type: 'endpointChosen'; endpoint: Endpoint}
  | {type: 'createEndpoint'; taken: string[]}
  | {type: 'endpointCreated'; endpoint: Endpoint}
  | {type: 'endpointUpdated'; endpoint: Endpoint}
  /** The endpoint read again after a change of its deployments or traffic (same auth mode). */
  | {type: 'endpointRefreshed'; endpoint: Endpoint}
  /** From invoke: the Deployments screen (after a 404), or a deployment's logs (424/502). */
  | {type: 'openDeployments'; logsOf?: string}
  | {type: 'authModeDone'}
  | {type: 'profileSaved'; name: string}
  | {type: 'open'; step: HomeTarget}
  | {type: 'credentialFetched'; credential: ScoringCredential}
  | {type: 'permissionsChecked'; permissions: PermissionBlock[]}
  | {type: 'invokeSettings'; deployment?: string; requestFile: string}
  | {type: 'requestSent'; requestId: string}
  | {type: 'back'}
  | {type: 'toggleHelp'}
  | {type: 'toggleSandboxPanel'}
  | {type: 'toggleSandboxSecrets'};

export function initialState(hasProfiles: boolean): WizardState {
  return {screen: hasProfiles ? {step: 'start'} : {step: 'signIn'}, history: [], help: false};
}

/** Whether the `s` key signs in again now: an error says so, and nothing covers the screen. */
export function canSignInAgain(state: WizardState): boolean {
  return (
    (state.signInOffers ?? 0) > 0 &&
    state.session !== undefined &&
    state.signInAgain === undefined &&
    state.screen.step !== 'signIn' &&
    !state.help &&
    state.sandboxPanel === undefined
  );
}

/** The endpoint context of a screen, when it is one of an endpoint's screens. */
export function contextOf(screen: Screen): EndpointContext | undefined {
  return 'ctx' in screen ? screen.ctx : undefined;
}

/** What the header shows: the subscription, workspace and endpoint the screen is about. */
export function scopeOf(screen: Screen): {
  subscription?: Subscription;
  workspace?: Workspace;
  endpoint?: Endpoint;
} {
  if ('ctx' in screen) {
    const {subscription, workspace, endpoint} = screen.ctx;
    return {subscription, workspace, endpoint};
  }
  switch (screen.step) {
    case 'workspace':
      return {subscription: screen.subscription};
    case 'endpoint':
    case 'createEndpoint':
      return {subscription: screen.subscription, workspace: screen.workspace};
    default:
      return {};
  }
}

const go = (state: WizardState, screen: Screen): WizardState => ({
  ...state,
  screen,
  history: [...state.history, state.screen],
});

/** A fresh context for a newly chosen endpoint. */
const freshContext = (
  subscription: Subscription,
  workspace: Workspace,
  endpoint: Endpoint,
): EndpointContext => ({subscription, workspace, endpoint});

/** Changes the current endpoint context (a fetched credential, a saved profile name…). */
function withContext(
  state: WizardState,
  change: (ctx: EndpointContext) => EndpointContext,
): WizardState {
  const ctx = contextOf(state.screen);
  return ctx ? {...state, screen: {...state.screen, ctx: change(ctx)} as Screen} : state;
}

/** The whole flow as a pure function: every transition of the wizard is here. */
export function reducer(state: WizardState, action: Action): WizardState {
  const {screen} = state;
  switch (action.type) {
    case 'toggleHelp':
      return {...state, help: !state.help};
    case 'toggleSandboxPanel': {
      // Opened masked, every time; the help closes so the panel is what is on screen.
      if (state.sandboxPanel) {
        const {sandboxPanel: _closed, ...rest} = state;
        return rest;
      }
      return {...state, help: false, sandboxPanel: {revealed: false}};
    }
    case 'toggleSandboxSecrets':
      return state.sandboxPanel
        ? {...state, sandboxPanel: {revealed: !state.sandboxPanel.revealed}}
        : state;
    case 'newSetup':
      return go(state, {step: 'signIn'});
    case 'resume':
      return go(state, {step: 'signIn', resume: action.target});
    case 'signedIn': {
      const {tokenRefused: _refused, signInAgain: again, ...rest} = state;
      const signedIn = {
        ...rest,
        session: action.session,
        managementToken: action.session.result.managementToken,
      };
      const before = state.session?.result.identity;
      const after = action.session.result.identity;
      if (again && before?.objectId === after.objectId && before.tenantId === after.tenantId) {
        // Signed in again as the same identity, in place: the same screen and path, started
        // afresh so the work that failed runs again with the new sign-in.
        return {...signedIn, signIns: (state.signIns ?? 0) + 1};
      }
      // Another identity (or a first sign-in): the screens after it start from nothing.
      const resume = screen.step === 'signIn' ? screen.resume : undefined;
      return go(signedIn, resume ? {step: 'resume', target: resume} : {step: 'subscription'});
    }
    case 'tokenRefreshed': {
      if (action.token.token === state.managementToken?.token) return state;
      const {tokenRefused: _refused, ...rest} = state;
      return {...rest, managementToken: action.token};
    }
    case 'tokenRefused':
      return state.session && !state.tokenRefused ? {...state, tokenRefused: true} : state;
    case 'signInOffer': {
      const offers = Math.max(0, (state.signInOffers ?? 0) + action.delta);
      // An error saying "sign in again" means the management token was refused too.
      return action.delta > 0 && state.session
        ? {...state, signInOffers: offers, tokenRefused: true}
        : {...state, signInOffers: offers};
    }
    case 'signInAgain':
      if (!canSignInAgain(state) || !state.session) return state;
      return {
        ...state,
        signInAgain: {method: state.session.method, params: state.session.params},
      };
    case 'resumed': {
      if (screen.step !== 'resume') return state;
      const {target} = screen;
      const {subscription, workspace, endpoint} = action;
      // Esc walks back through the choices the profile made: endpoint, workspace, subscription.
      return {
        ...state,
        screen: {
          step: 'home',
          ctx: {
            ...freshContext(subscription, workspace, endpoint),
            profile: target.profileName,
            ...(target.deployment ? {deployment: target.deployment} : {}),
            ...(target.lastRequestFile ? {requestFile: target.lastRequestFile} : {}),
          },
        },
        history: [
          {step: 'subscription', current: subscription},
          {step: 'workspace', subscription, current: workspace},
          {step: 'endpoint', subscription, workspace, current: endpoint},
        ],
      };
    }
    case 'subscriptionChosen':
      return screen.step === 'subscription'
        ? go(state, {step: 'workspace', subscription: action.subscription})
        : state;
    case 'workspaceChosen':
      return screen.step === 'workspace'
        ? go(state, {
            step: 'endpoint',
            subscription: screen.subscription,
            workspace: action.workspace,
          })
        : state;
    case 'endpointChosen':
      return screen.step === 'endpoint'
        ? go(
            // Back on the list, the chosen endpoint is highlighted.
            {...state, screen: {...screen, current: action.endpoint}},
            {
              step: 'authMode',
              ctx: freshContext(screen.subscription, screen.workspace, action.endpoint),
            },
          )
        : state;
    case 'createEndpoint':
      return screen.step === 'endpoint'
        ? go(state, {
            step: 'createEndpoint',
            subscription: screen.subscription,
            workspace: screen.workspace,
            taken: action.taken,
          })
        : state;
    case 'endpointCreated':
      // Esc from the auth-mode step returns to the endpoint list, not to the finished form.
      return screen.step === 'createEndpoint'
        ? {
            ...state,
            screen: {
              step: 'authMode',
              ctx: freshContext(screen.subscription, screen.workspace, action.endpoint),
            },
          }
        : state;
    case 'endpointUpdated':
      // A new auth mode makes the old credential useless.
      return withContext(state, (ctx) => ({
        ...ctx,
        endpoint: action.endpoint,
        credential: undefined,
      }));
    case 'endpointRefreshed':
      // Traffic and deployments changed, not the auth mode: the credential stays good.
      return withContext(state, (ctx) =>
        ctx.endpoint.authMode === action.endpoint.authMode
          ? {...ctx, endpoint: action.endpoint}
          : {...ctx, endpoint: action.endpoint, credential: undefined},
      );
    case 'openDeployments': {
      const ctx = contextOf(screen);
      if (!ctx || screen.step !== 'invoke') return state;
      return go(state, {
        step: 'deployments',
        ctx,
        ...(action.logsOf ? {logsOf: action.logsOf} : {}),
      });
    }
    case 'authModeDone': {
      const ctx = contextOf(screen);
      if (!ctx) return state;
      // From home the auth-mode screen returns there; in a first setup it leads on to saving.
      return state.history.at(-1)?.step === 'home' ? back(state) : go(state, {step: 'save', ctx});
    }
    case 'profileSaved': {
      const saved = withContext(state, (ctx) => ({...ctx, profile: action.name}));
      const ctx = contextOf(saved.screen)!;
      if (state.history.at(-1)?.step === 'home') return back(saved);
      // A first setup lands on home; auth mode and save were passed through, so Esc from home
      // goes straight back to the endpoint list.
      const history = [...saved.history];
      while (
        history.length &&
        (history.at(-1)!.step === 'authMode' || history.at(-1)!.step === 'save')
      )
        history.pop();
      return {...saved, screen: {step: 'home', ctx}, history};
    }
    case 'open': {
      const ctx = contextOf(screen);
      if (!ctx || screen.step !== 'home') return state;
      const opened = {...ctx, lastOpened: action.step};
      return go({...state, screen: {step: 'home', ctx: opened}}, {step: action.step, ctx: opened});
    }
    case 'credentialFetched':
      return withContext(state, (ctx) => ({...ctx, credential: action.credential}));
    case 'permissionsChecked':
      return withContext(state, (ctx) => ({...ctx, permissions: action.permissions}));
    case 'invokeSettings':
      return withContext(state, (ctx) => {
        const {deployment: _old, ...rest} = ctx;
        return {
          ...rest,
          ...(action.deployment ? {deployment: action.deployment} : {}),
          requestFile: action.requestFile,
        };
      });
    case 'requestSent':
      return withContext(state, (ctx) => ({...ctx, lastRequestId: action.requestId}));
    case 'back': {
      if (state.help) return {...state, help: false};
      if (state.signInAgain) {
        // Esc from signing in again: the screen under it, its error still shown.
        const {signInAgain: _left, ...rest} = state;
        return rest;
      }
      return back(state);
    }
  }
}

function back(state: WizardState): WizardState {
  const history = [...state.history];
  let previous = history.pop();
  // Never step back into a screen that only makes sense once (resuming).
  while (previous?.step === 'resume') previous = history.pop();
  if (!previous) return state;
  // The same endpoint's screens share one context: what this screen learnt goes back with it.
  const ctx = contextOf(state.screen);
  const before = contextOf(previous);
  if (ctx && before && ctx.endpoint.id === before.endpoint.id)
    previous = {...previous, ctx} as Screen;
  return {...state, screen: previous, history};
}

/** Steps shown in the header. */
export const STEP_TITLES: Record<Step, string> = {
  start: 'Start',
  signIn: 'Sign in',
  resume: 'Resume',
  subscription: 'Subscription',
  workspace: 'Workspace',
  endpoint: 'Endpoint',
  createEndpoint: 'New endpoint',
  authMode: 'Auth mode',
  save: 'Save profile',
  home: 'Home',
  roles: 'Roles',
  credentials: 'Credentials',
  invoke: 'Invoke',
  deployments: 'Deployments',
  trafficLog: 'Traffic log',
};

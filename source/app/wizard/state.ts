import type {
  PermissionBlock,
  ScoringCredential,
  Endpoint,
  SignInMethod,
  SignInParams,
  SignInResult,
  Subscription,
  Workspace,
  AccessTokenInfo,
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

export type Step =
  | 'start'
  | 'signIn'
  | 'resume'
  | 'subscription'
  | 'workspace'
  | 'endpoint'
  | 'createEndpoint'
  | 'authMode'
  | 'save'
  | 'home'
  | 'roles'
  | 'credentials'
  | 'invoke';

export interface Session {
  method: SignInMethod;
  /** Non-secret parameters only: a client secret never enters wizard state. */
  params: Omit<SignInParams, 'clientSecret'>;
  result: SignInResult;
}

export interface WizardState {
  step: Step;
  /** Steps to return to with Esc. */
  history: Step[];
  session?: Session;
  managementToken?: AccessTokenInfo;
  subscription?: Subscription;
  workspace?: Workspace;
  endpoint?: Endpoint;
  resume?: ResumeTarget;
  savedProfile?: string;
  /** The data-plane credential of the credentials step, reused by invoke while valid (memory only). */
  credential?: ScoringCredential;
  /** The signed-in identity's effective permissions at the endpoint, from the roles step. */
  permissions?: PermissionBlock[];
  /** The invoke step's choices, saved with the profile. */
  deployment?: string;
  requestFile?: string;
  /** The home entry opened last, highlighted again on return. */
  lastOpened?: HomeTarget;
  help: boolean;
}

/** The screens reachable from the endpoint's home. */
export type HomeTarget = 'roles' | 'credentials' | 'invoke' | 'authMode' | 'save';

export type Action =
  | {type: 'newSetup'}
  | {type: 'resume'; target: ResumeTarget}
  | {type: 'signedIn'; session: Session}
  | {type: 'tokenRefreshed'; token: AccessTokenInfo}
  | {type: 'resumed'; subscription: Subscription; workspace: Workspace; endpoint: Endpoint}
  | {type: 'subscriptionChosen'; subscription: Subscription}
  | {type: 'workspaceChosen'; workspace: Workspace}
  | {type: 'endpointChosen'; endpoint: Endpoint}
  | {type: 'createEndpoint'}
  | {type: 'endpointCreated'; endpoint: Endpoint}
  | {type: 'endpointUpdated'; endpoint: Endpoint}
  | {type: 'authModeDone'}
  | {type: 'profileSaved'; name: string}
  | {type: 'open'; step: HomeTarget}
  | {type: 'credentialFetched'; credential: ScoringCredential}
  | {type: 'permissionsChecked'; permissions: PermissionBlock[]}
  | {type: 'invokeSettings'; deployment?: string; requestFile: string}
  | {type: 'back'}
  | {type: 'toggleHelp'};

export function initialState(hasProfiles: boolean): WizardState {
  return {step: hasProfiles ? 'start' : 'signIn', history: [], help: false};
}

const go = (state: WizardState, step: Step, patch: Partial<WizardState> = {}): WizardState => ({
  ...state,
  ...patch,
  step,
  history: [...state.history, state.step],
});

/** The whole flow as a pure function: every transition of the wizard is here. */
export function reducer(state: WizardState, action: Action): WizardState {
  switch (action.type) {
    case 'toggleHelp':
      return {...state, help: !state.help};
    case 'newSetup':
      return go(state, 'signIn', {resume: undefined});
    case 'resume':
      return go(state, 'signIn', {resume: action.target});
    case 'signedIn': {
      const next = {
        session: action.session,
        managementToken: action.session.result.managementToken,
      };
      // Signing in again replaces the identity: drop choices made with the old one.
      const cleared = {subscription: undefined, workspace: undefined, endpoint: undefined};
      return go(state, state.resume ? 'resume' : 'subscription', {...cleared, ...next});
    }
    case 'tokenRefreshed':
      return {...state, managementToken: action.token};
    case 'resumed':
      return {
        ...state,
        subscription: action.subscription,
        workspace: action.workspace,
        endpoint: action.endpoint,
        savedProfile: state.resume?.profileName,
        credential: undefined,
        permissions: undefined,
        deployment: state.resume?.deployment,
        requestFile: state.resume?.lastRequestFile,
        step: 'home',
        // Esc walks back through the choices the profile made: endpoint, workspace, subscription.
        history: ['subscription', 'workspace', 'endpoint'],
      };
    case 'subscriptionChosen':
      return go(state, 'workspace', {
        subscription: action.subscription,
        workspace: undefined,
        endpoint: undefined,
      });
    case 'workspaceChosen':
      return go(state, 'endpoint', {workspace: action.workspace, endpoint: undefined});
    case 'endpointChosen':
      return go(state, 'authMode', {
        endpoint: action.endpoint,
        credential: undefined,
        permissions: undefined,
      });
    case 'createEndpoint':
      return go(state, 'createEndpoint');
    case 'endpointCreated':
      // Esc from the auth-mode step returns to the endpoint list, not to the finished form.
      return {
        ...state,
        endpoint: action.endpoint,
        credential: undefined,
        permissions: undefined,
        step: 'authMode',
        history: [...state.history],
      };
    case 'endpointUpdated':
      // A new auth mode makes the old credential useless.
      return {...state, endpoint: action.endpoint, credential: undefined};
    case 'authModeDone':
      // From home (part 2) the auth-mode screen returns there; in part 1 it leads on to saving.
      return state.history.at(-1) === 'home' ? back(state) : go(state, 'save');
    case 'profileSaved':
      return state.history.at(-1) === 'home'
        ? {...back(state), savedProfile: action.name}
        : go(state, 'home', {savedProfile: action.name});
    case 'open':
      return go(state, action.step, {lastOpened: action.step});
    case 'credentialFetched':
      return {...state, credential: action.credential};
    case 'permissionsChecked':
      return {...state, permissions: action.permissions};
    case 'invokeSettings':
      return {...state, deployment: action.deployment, requestFile: action.requestFile};
    case 'back':
      return state.help ? {...state, help: false} : back(state);
  }
}

function back(state: WizardState): WizardState {
  const history = [...state.history];
  let previous = history.pop();
  // Never step back into a screen that only makes sense once (resuming).
  while (previous === 'resume') previous = history.pop();
  if (!previous) return state;
  return {...state, step: previous, history};
}

/** Steps shown as "step n of m" in the header. */
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
};

import type {ProfilesPort} from '../../../profiles-port';
import type {WizardState} from '../../state';
import type {SaveAction, SaveScreen, SaveWork} from './state';

/** Writes the profile (no secrets: the sign-in method and who, and what was chosen). */
export function saveRunner(deps: {
  profiles: ProfilesPort;
  cloudRef: string;
  state: WizardState;
  dispatch: (action: SaveAction) => SaveScreen;
  onSaved: (name: string) => void;
}) {
  return ({id, name}: SaveWork): void => {
    const {state, dispatch} = deps;
    const {session, subscription, workspace, endpoint} = state;
    if (!session || !subscription || !workspace || !endpoint)
      return void dispatch({type: 'failed', id});
    try {
      deps.profiles.save({
        name,
        cloud: deps.cloudRef,
        tenantId: session.result.identity.tenantId,
        signIn: {
          method: session.method,
          ...(session.params.clientId ? {clientId: session.params.clientId} : {}),
          ...(session.params.certificatePath
            ? {certificatePath: session.params.certificatePath}
            : {}),
          ...(session.params.authenticationRecord
            ? {authenticationRecord: session.params.authenticationRecord}
            : {}),
        },
        subscription: {id: subscription.subscriptionId, name: subscription.displayName},
        resourceGroup: workspace.resourceGroup,
        workspace: workspace.name,
        endpoint: endpoint.endpoint,
        authMode: endpoint.authMode,
        ...(state.deployment ? {deployment: state.deployment} : {}),
        ...(state.requestFile ? {lastRequestFile: state.requestFile} : {}),
      });
      deps.onSaved(name);
    } catch (err) {
      dispatch({type: 'failed', id, error: (err as Error).message});
    }
  };
}

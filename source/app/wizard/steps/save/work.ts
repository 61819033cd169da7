import type {ProfilesPort} from '../../../profiles-port';
import type {EndpointContext, Session} from '../../state';
import type {SaveAction, SaveScreen, SaveWork} from './state';

/** Writes the profile (no secrets: the sign-in method and who, and what was chosen). */
export function saveRunner(deps: {
  profiles: ProfilesPort;
  cloudRef: string;
  ctx: EndpointContext;
  session: Session;
  dispatch: (action: SaveAction) => SaveScreen;
  onSaved: (name: string) => void;
}) {
  return ({id, name}: SaveWork): void => {
    const {ctx, session, dispatch} = deps;
    const {subscription, workspace, endpoint} = ctx;
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
        ...(ctx.deployment ? {deployment: ctx.deployment} : {}),
        ...(ctx.requestFile ? {lastRequestFile: ctx.requestFile} : {}),
      });
      deps.onSaved(name);
    } catch (err) {
      dispatch({type: 'failed', id, error: (err as Error).message});
    }
  };
}

import type {Endpoint, ScoringCredential} from '../../../../domain/types';
import type {Services} from '../../../../domain/services';
import {isUsable} from '../../../../domain/credentials';
import {readRequestFile} from '../../../../lib/request-file';
import type {InvokeAction, SendWork} from './state';

/** Loads the deployments for the target chooser (a failure leaves only traffic-routed). */
export function deploymentsRunner(context: {
  services: Services;
  endpoint: Endpoint;
  dispatch: (action: InvokeAction) => unknown;
}) {
  return async ({id}: {id: number}, signal: AbortSignal): Promise<void> => {
    try {
      const deployments = await context.services.listDeployments(context.endpoint, signal);
      if (!signal.aborted) context.dispatch({type: 'deploymentsLoaded', id, deployments});
    } catch {
      if (!signal.aborted) context.dispatch({type: 'deploymentsFailed', id});
    }
  };
}

/**
 * A send: validate the request file, take the session's credential while it is usable (or fetch
 * one, which becomes the session's), then score `times` times, reporting progress.
 */
export function sendRunner(context: {
  services: Services;
  endpoint: Endpoint;
  /** The session's credential, read when the work starts. */
  cached: () => ScoringCredential | undefined;
  dispatch: (action: InvokeAction) => unknown;
  /** The settings remembered for the profile, and a credential fetched here. */
  onSettings: (settings: {deployment?: string; requestFile: string}) => void;
  onCredential: (credential: ScoringCredential) => void;
  /** The x-request-id of the last answer (the traffic log finds its row). */
  onRequestId?: (requestId: string) => void;
}) {
  const {services, endpoint, dispatch} = context;
  const credentialFor = async (signal: AbortSignal): Promise<ScoringCredential> => {
    const cached = context.cached();
    if (isUsable(cached, Date.now()) && cached.kind === endpoint.authMode) return cached;
    // The credential for the endpoint's auth mode, as `aml-auth creds` fetches it.
    const {credential: fresh} = await services.scoringCredential(endpoint, {}, signal);
    if (!signal.aborted) context.onCredential(fresh);
    return fresh;
  };
  return async (work: SendWork, signal: AbortSignal): Promise<void> => {
    const {id} = work;
    context.onSettings({deployment: work.deployment, requestFile: work.file});
    try {
      const checked = await readRequestFile(work.file);
      if (signal.aborted) return;
      if (!checked.ok) {
        dispatch({type: 'invalid', id, problem: checked.problem, hint: checked.hint});
        return;
      }
      const credential = await credentialFor(signal);
      const {results} = await services.invokeRepeated(
        {
          scoringUri: endpoint.scoringUri ?? '',
          credential: credential.value,
          body: checked.body,
          deployment: work.deployment,
        },
        work.times,
        (done) => dispatch({type: 'progress', id, done}),
        signal,
      );
      if (signal.aborted) return;
      dispatch({
        type: 'sent',
        id,
        credential,
        results,
        receivedAt: Date.now(),
      });
      const requestId = results.at(-1)?.requestId;
      if (requestId) context.onRequestId?.(requestId);
    } catch (err) {
      if (!signal.aborted)
        dispatch({
          type: 'failed',
          id,
          error: services.explainError(err, `Invoke ${endpoint.endpoint}`),
        });
    }
  };
}

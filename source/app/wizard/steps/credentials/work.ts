import type {Endpoint, ScoringCredential} from '../../../../domain/types';
import type {Services} from '../../../../domain/services';
import {
  currentCredential,
  type CredentialsAction,
  type CredentialsState,
  type CredentialsWork,
} from './state';

/**
 * The credentials screen's work: list the keys, fetch a token, or regenerate a key and list the
 * keys again. Outcomes come back as actions with the work's id; the credential now shown is
 * handed to the wizard (`onCredential`), so Invoke and the export use it.
 */
export function credentialsRunner(context: {
  services: Services;
  endpoint: Endpoint;
  dispatch: (action: CredentialsAction) => CredentialsState;
  onCredential: (credential: ScoringCredential) => void;
}) {
  const {services, endpoint, dispatch, onCredential} = context;
  const shown = (state: CredentialsState) => {
    const c = currentCredential(state);
    if (c) onCredential(c);
  };
  return async (work: CredentialsWork, signal: AbortSignal): Promise<void> => {
    const {id} = work;
    const fail = (err: unknown, operation: string) => {
      if (!signal.aborted)
        dispatch({type: 'failed', id, error: services.explainError(err, operation)});
    };
    switch (work.kind) {
      case 'listKeys':
        try {
          // The credential for the endpoint's auth mode, as `aml-auth creds` fetches it.
          const {keys} = await services.scoringCredential(endpoint, {}, signal);
          if (!signal.aborted && keys) shown(dispatch({type: 'keysListed', id, keys}));
        } catch (err) {
          fail(err, 'List keys');
        }
        return;
      case 'token': {
        const aml = endpoint.authMode === 'aml_token';
        try {
          const {credential} = await services.scoringCredential(endpoint, {}, signal);
          if (signal.aborted) return;
          dispatch({type: 'tokenFetched', id, credential, at: Date.now()});
          onCredential(credential);
        } catch (err) {
          fail(err, aml ? 'Get an Azure ML token' : 'Get an Entra token');
        }
        return;
      }
      case 'regenerate': {
        try {
          await services.regenerateKey(
            endpoint,
            work.which,
            (p) => dispatch({type: 'regenProgress', id, elapsedMs: p.elapsedMs}),
            signal,
          );
        } catch (err) {
          if (!signal.aborted)
            dispatch({
              type: 'regenFailed',
              id,
              error: services.explainError(err, 'Regenerate the key'),
            });
          return;
        }
        try {
          const keys = await services.listKeys(endpoint, signal);
          if (!signal.aborted) shown(dispatch({type: 'regenerated', id, which: work.which, keys}));
        } catch (err) {
          fail(err, 'List keys');
        }
        return;
      }
    }
  };
}

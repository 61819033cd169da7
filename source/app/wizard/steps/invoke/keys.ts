import type {Key} from 'ink';
import {useKeys} from '../../../hooks/use-keys';
import {bindingFor, typedText} from '../../../keymap';
import {BODY_ROWS, type InvokeAction, type InvokeState} from './state';

const FIELD = ['submit', 'back', 'erase', 'clearField'] as const;
const CONFIRMING = ['confirm', 'deny', 'back'] as const;
const READY = [
  'back',
  'send',
  'file',
  'target',
  'repeat',
  // `K` before `curl`, which matches both.
  'curlSecret',
  'curl',
  'pageDown',
  'pageUp',
  'down',
  'up',
  'openDeployments',
  'openLogs',
] as const;

/**
 * The invoke screen's keys as actions, each on the state the keys before it left: `n`, two
 * backspaces, `3`, enter typed together send three requests. The fields' edits are applied here
 * too (the TextField only shows them), so keys that arrive with the one opening a field count.
 */
export function useInvokeKeys(options: {
  isActive: boolean;
  dispatch: (action: InvokeAction) => InvokeState;
  get: () => InvokeState;
  onBack: () => void;
  /** Copy the request as curl, with the secret or with $DATA_PLANE_TOKEN. */
  onCopyCurl: (withSecret: boolean) => void;
  /** After a 404: the Deployments screen; after a 424/502: the answering deployment's logs. */
  onOpenDeployments?: (logsOf?: string) => void;
}): void {
  const handle = (input: string, key: Key) => {
    const {dispatch} = options;
    const state = options.get();
    switch (state.mode) {
      case 'target':
        // The chooser (a FilterList) takes the keys.
        return;
      case 'sending':
        if (bindingFor(['back'], input, key)) dispatch({type: 'cancel'});
        return;
      case 'file':
      case 'count':
        switch (bindingFor(FIELD, input, key)) {
          case 'submit':
            return void dispatch({type: 'submit'});
          case 'back':
            return void dispatch({type: 'cancel'});
          case 'erase':
            return void dispatch({type: 'edit', edit: {type: 'erase'}});
          case 'clearField':
            return void dispatch({type: 'edit', edit: {type: 'clear'}});
          case undefined: {
            const text = typedText(input, key);
            if (text) dispatch({type: 'edit', edit: {type: 'insert', text}});
          }
        }
        return;
      case 'confirmSecretCurl': {
        const b = bindingFor(CONFIRMING, input, key);
        if (b === 'confirm') {
          dispatch({type: 'confirm'});
          options.onCopyCurl(true);
        } else if (b) dispatch({type: 'cancel'});
        return;
      }
      case 'ready':
        switch (bindingFor(READY, input, key)) {
          case 'back':
            return options.onBack();
          case 'send':
            return void dispatch({type: 'send'});
          case 'file':
            return void dispatch({type: 'editFile'});
          case 'target':
            return void dispatch({type: 'chooseTarget'});
          case 'repeat':
            return void dispatch({type: 'editCount'});
          case 'curlSecret':
            return void dispatch({type: 'askSecretCurl'});
          case 'curl':
            return options.onCopyCurl(false);
          case 'pageDown':
            return void dispatch({type: 'scroll', by: BODY_ROWS});
          case 'pageUp':
            return void dispatch({type: 'scroll', by: -BODY_ROWS});
          case 'down':
            return void dispatch({type: 'scroll', by: 1});
          case 'up':
            return void dispatch({type: 'scroll', by: -1});
          case 'openDeployments':
          case 'openLogs': {
            const follow = followOf(state);
            const wanted = bindingFor(['openDeployments'], input, key) ? 'deployments' : 'logs';
            if (follow?.kind === wanted) options.onOpenDeployments?.(follow.logsOf);
            return;
          }
        }
    }
  };
  useKeys(handle, {isActive: options.isActive});
}

/**
 * Where the last answer leads: a 404 (nothing takes traffic) to the Deployments screen, a model
 * error (424) or a bad gateway (502) to the logs of the deployment that answered.
 */
export function followOf(
  state: InvokeState,
): {kind: 'deployments'; logsOf?: undefined} | {kind: 'logs'; logsOf: string} | undefined {
  const last = state.sent?.results.at(-1);
  if (!last) return undefined;
  if (last.status === 404) return {kind: 'deployments'};
  if ((last.status === 424 || last.status === 502) && last.deployment)
    return {kind: 'logs', logsOf: last.deployment};
  return undefined;
}

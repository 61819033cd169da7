import type {Key} from 'ink';
import {useKeys} from '../../../hooks/use-keys';
import {bindingFor, typedText} from '../../../keymap';
import {type DeploymentsAction, type DeploymentsState, LOG_ROWS} from './state';

const LIST = [
  'back',
  'up',
  'down',
  'reload',
  'depCreate',
  'depYaml',
  'depTraffic',
  'depLogs',
  'depDelete',
] as const;
const FORM = [
  'back',
  'nextField',
  'prevField',
  'up',
  'down',
  'left',
  'right',
  'submit',
  'erase',
  'clearField',
] as const;
const FIELD = ['submit', 'back', 'erase', 'clearField'] as const;
const TRAFFIC = [
  'back',
  'up',
  'down',
  'depColumn',
  'nextField',
  'submit',
  'erase',
  'clearField',
] as const;
const LOGS = ['back', 'up', 'down', 'pageUp', 'pageDown', 'depContainer', 'depRefresh'] as const;
const CONFIRMING = ['confirm', 'deny', 'back'] as const;

/**
 * The Deployments screen's keys as actions, each on the state the keys before it left (`get()`),
 * so `t`, `↓`, `9`, `0` typed together edit the second row. The pickers are FilterLists and take
 * their own keys (this hook is inactive then).
 */
export function useDeploymentsKeys(options: {
  isActive: boolean;
  dispatch: (action: DeploymentsAction) => DeploymentsState;
  get: () => DeploymentsState;
  /** Leave the screen (Esc on the list, or on logs opened from invoke). */
  onBack: () => void;
}): void {
  const handle = (input: string, key: Key) => {
    const {dispatch} = options;
    const s = options.get();
    const type = () => {
      const text = typedText(input, key);
      if (text) dispatch({type: 'edit', edit: {type: 'insert', text}});
    };
    switch (s.mode) {
      case 'pickModel':
      case 'pickEnvironment':
        return;
      case 'list':
        switch (bindingFor(LIST, input, key)) {
          case 'back':
            return options.onBack();
          case 'up':
            return void dispatch({type: 'moveHighlight', by: -1});
          case 'down':
            return void dispatch({type: 'moveHighlight', by: 1});
          case 'reload':
            return void dispatch({type: 'reload'});
          case 'depCreate':
            return void dispatch({type: 'startCreate'});
          case 'depYaml':
            return void dispatch({type: 'startYaml'});
          case 'depTraffic':
            return void dispatch({type: 'startTraffic'});
          case 'depLogs':
            return void dispatch({type: 'openLogs'});
          case 'depDelete':
            return void dispatch({type: 'startDelete'});
        }
        return;
      case 'form': {
        const b = bindingFor(FORM, input, key);
        if (s.focus === 'allTraffic' && (b === 'left' || b === 'right' || input === ' '))
          return void dispatch({type: 'toggle'});
        switch (b) {
          case 'back':
            return void dispatch({type: 'cancel'});
          case 'nextField':
          case 'down':
            return void dispatch({type: 'focus', by: 1});
          case 'prevField':
          case 'up':
            return void dispatch({type: 'focus', by: -1});
          case 'submit':
            return void dispatch({type: 'submit'});
          case 'erase':
            return void dispatch({type: 'edit', edit: {type: 'erase'}});
          case 'clearField':
            return void dispatch({type: 'edit', edit: {type: 'clear'}});
          case 'left':
          case 'right':
            return;
          case undefined:
            return type();
        }
        return;
      }
      case 'yamlPath':
        switch (bindingFor(FIELD, input, key)) {
          case 'submit':
            return void dispatch({type: 'submit'});
          case 'back':
            return void dispatch({type: 'cancel'});
          case 'erase':
            return void dispatch({type: 'edit', edit: {type: 'erase'}});
          case 'clearField':
            return void dispatch({type: 'edit', edit: {type: 'clear'}});
          case undefined:
            return type();
        }
        return;
      case 'traffic':
        switch (bindingFor(TRAFFIC, input, key)) {
          case 'back':
            return void dispatch({type: 'cancel'});
          case 'up':
            return void dispatch({type: 'moveRow', by: -1});
          case 'down':
            return void dispatch({type: 'moveRow', by: 1});
          case 'depColumn':
          case 'nextField':
            return void dispatch({type: 'column'});
          case 'submit':
            return void dispatch({type: 'submit'});
          case 'erase':
            return void dispatch({type: 'edit', edit: {type: 'erase'}});
          case 'clearField':
            return void dispatch({type: 'edit', edit: {type: 'clear'}});
          case undefined:
            return type();
        }
        return;
      case 'logs':
        switch (bindingFor(LOGS, input, key)) {
          case 'back':
            return s.direct ? options.onBack() : void dispatch({type: 'cancel'});
          case 'up':
            return void dispatch({type: 'scroll', by: -1});
          case 'down':
            return void dispatch({type: 'scroll', by: 1});
          case 'pageUp':
            return void dispatch({type: 'scroll', by: -LOG_ROWS});
          case 'pageDown':
            return void dispatch({type: 'scroll', by: LOG_ROWS});
          case 'depContainer':
            return void dispatch({type: 'switchContainer'});
          case 'depRefresh':
            return void dispatch({type: 'refreshLogs'});
        }
        return;
      case 'confirmCreate':
      case 'confirmTraffic':
      case 'confirmDelete': {
        const b = bindingFor(CONFIRMING, input, key);
        if (b === 'confirm') dispatch({type: 'confirm'});
        else if (b) dispatch({type: 'cancel'});
        return;
      }
      case 'creating':
      case 'applyingTraffic':
      case 'deleting':
        // Esc stops waiting: the work is dropped (and aborted); Azure goes on.
        if (bindingFor(['back'], input, key)) dispatch({type: 'cancel'});
        return;
      case 'deleteRefused':
        if (bindingFor(['depTraffic'], input, key)) {
          dispatch({type: 'cancel'});
          dispatch({type: 'startTraffic'});
        } else if (bindingFor(['continue', 'back'], input, key)) dispatch({type: 'cancel'});
        return;
      case 'yamlLocal':
      case 'failed':
        if (bindingFor(['continue', 'back'], input, key)) dispatch({type: 'cancel'});
        return;
    }
  };
  useKeys(handle, {isActive: options.isActive});
}

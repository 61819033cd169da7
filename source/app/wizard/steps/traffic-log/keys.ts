import type {Key} from 'ink';
import {useKeys} from '../../../hooks/use-keys';
import {bindingFor} from '../../../keymap';
import {queryOf, type TrafficAction, type TrafficState} from './state';

const CONFIRMING = ['confirm', 'deny', 'back'] as const;
const TYPING = ['submit', 'back'] as const;
const OFF = ['trafficEnable', 'trafficQuery', 'trafficCopy', 'back'] as const;
const LOADING = ['trafficReload', 'back'] as const;
const LOG = [
  'up',
  'down',
  'trafficWindow',
  'trafficFailures',
  'trafficAuthType',
  'trafficIdentity',
  'trafficRequestId',
  'trafficLastRequest',
  'trafficClear',
  'trafficQuery',
  'trafficCopy',
  'trafficReload',
  'trafficEnable',
  'back',
] as const;

/**
 * The traffic-log screen's keys as actions. Each key acts on the state the keys before it left
 * (`get()`), so `f a` typed together filters failures and then one auth type. The workspace list
 * takes its own keys while it is shown; the request-ID field takes the typing.
 */
export function useTrafficKeys(options: {
  isActive: boolean;
  dispatch: (action: TrafficAction) => TrafficState;
  get: () => TrafficState;
  onBack: () => void;
  onCopy: (what: string, text: string) => void;
}): void {
  const handle = (input: string, key: Key) => {
    const {dispatch} = options;
    const state = options.get();
    switch (state.mode) {
      case 'picking':
        return; // the FilterList has the keys
      case 'confirming': {
        const b = bindingFor(CONFIRMING, input, key);
        if (b === 'confirm') dispatch({type: 'confirm'});
        else if (b) dispatch({type: 'cancel'});
        return;
      }
      case 'requestId': {
        const b = bindingFor(TYPING, input, key);
        if (b === 'submit') dispatch({type: 'applyRequestId'});
        else if (b === 'back') dispatch({type: 'cancel'});
        return;
      }
      case 'enabling':
        if (bindingFor(['back'], input, key)) options.onBack();
        return;
      case 'loading': {
        const b = bindingFor(LOADING, input, key);
        if (b === 'back') options.onBack();
        else if (b) dispatch({type: 'reload'});
        return;
      }
      case 'off':
      case 'log': {
        const b = bindingFor(state.mode === 'off' ? OFF : LOG, input, key);
        switch (b) {
          case 'back':
            return options.onBack();
          case 'up':
            return void dispatch({type: 'move', by: -1});
          case 'down':
            return void dispatch({type: 'move', by: 1});
          case 'trafficEnable':
            return void dispatch({type: 'askEnable'});
          case 'trafficWindow':
            return void dispatch({type: 'window'});
          case 'trafficFailures':
            return void dispatch({type: 'failures'});
          case 'trafficAuthType':
            return void dispatch({type: 'authType'});
          case 'trafficIdentity':
            return void dispatch({type: 'identity'});
          case 'trafficRequestId':
            return void dispatch({type: 'openRequestId'});
          case 'trafficLastRequest':
            return void dispatch({type: 'lastRequest'});
          case 'trafficClear':
            return void dispatch({type: 'clearFilters'});
          case 'trafficQuery':
            return void dispatch({type: 'toggleQuery'});
          case 'trafficCopy':
            return options.onCopy('The KQL', queryOf(state));
          case 'trafficReload':
            return void dispatch({type: 'reload'});
        }
      }
    }
  };
  useKeys(handle, {isActive: options.isActive});
}

import {useKeys} from '../../../hooks/use-keys';
import {bindingFor} from '../../../keymap';
import type {EndpointAction, EndpointScreen} from './state';

/**
 * The keys while waiting for a busy endpoint (the list takes its own keys otherwise): Esc stops
 * waiting; on a failed wait, Enter or Esc goes back to the list.
 */
export function useEndpointWaitKeys(options: {
  isActive: boolean;
  dispatch: (action: EndpointAction) => EndpointScreen;
  get: () => EndpointScreen;
}): void {
  useKeys(
    (input, key) => {
      const {mode} = options.get();
      const accepted =
        mode === 'waitFailed' ? (['continue', 'back'] as const) : (['back'] as const);
      if (mode !== 'list' && bindingFor(accepted, input, key)) options.dispatch({type: 'cancel'});
    },
    {isActive: options.isActive},
  );
}

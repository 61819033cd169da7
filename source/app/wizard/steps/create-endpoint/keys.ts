import {useKeys} from '../../../hooks/use-keys';
import {bindingFor} from '../../../keymap';
import type {CreateEndpointAction, CreateEndpointForm} from './state';

const EDITING = [
  'back',
  'nextField',
  'prevField',
  'up',
  'left',
  'down',
  'right',
  'submit',
] as const;
const CONFIRMING = ['confirm', 'continue', 'deny', 'back'] as const;

/**
 * The form's keys as actions. A key acts on the form the keys before it left (`get()`); the
 * create starts when the reducer puts its work in the form (`creating`).
 */
export function useCreateEndpointKeys(options: {
  isActive: boolean;
  dispatch: (action: CreateEndpointAction) => CreateEndpointForm;
  get: () => CreateEndpointForm;
  onBack: () => void;
}): void {
  useKeys(
    (input, key) => {
      const {dispatch} = options;
      const form = options.get();
      if (form.mode === 'creating' || form.mode === 'created') {
        // Esc stops waiting: the work is dropped (and aborted); Azure keeps creating.
        if (form.mode === 'creating' && bindingFor(['back'], input, key))
          dispatch({type: 'cancel'});
        return;
      }
      if (form.mode === 'failed') {
        if (bindingFor(['continue', 'back'], input, key)) dispatch({type: 'cancel'});
        return;
      }
      if (form.mode === 'confirming') {
        const b = bindingFor(CONFIRMING, input, key);
        if (b === 'confirm' || b === 'continue') dispatch({type: 'confirm'});
        else if (b) dispatch({type: 'cancel'});
        return;
      }
      if (form.mode !== 'editing') return;
      switch (bindingFor(EDITING, input, key)) {
        case 'back':
          return options.onBack();
        case 'nextField':
          return void dispatch({type: 'focus', by: 1});
        case 'prevField':
          return void dispatch({type: 'focus', by: -1});
        case 'up':
        case 'left':
          return void dispatch({type: 'choose', by: -1});
        case 'down':
        case 'right':
          return void dispatch({type: 'choose', by: 1});
        case 'submit':
          return void dispatch({type: 'submit'});
      }
    },
    {isActive: options.isActive},
  );
}

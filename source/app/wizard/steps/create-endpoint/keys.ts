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
 * The form's keys as actions. A key acts on the form the keys before it left: `dispatch` returns
 * it, and the create starts when the form turns `submitted`.
 */
export function useCreateEndpointKeys(options: {
  isActive: boolean;
  task: 'idle' | 'running' | 'error' | 'done';
  dispatch: (action: CreateEndpointAction) => CreateEndpointForm;
  get: () => CreateEndpointForm;
  onSubmitted: (form: CreateEndpointForm) => void;
  onBack: () => void;
  onCancelTask: () => void;
  onDismissError: () => void;
}): void {
  useKeys(
    (input, key) => {
      const {dispatch} = options;
      if (options.task === 'running') {
        if (bindingFor(['back'], input, key)) options.onCancelTask();
        return;
      }
      if (options.task === 'error') {
        if (bindingFor(['continue', 'back'], input, key)) options.onDismissError();
        return;
      }
      const form = options.get();
      if (form.mode === 'confirming') {
        const b = bindingFor(CONFIRMING, input, key);
        if (b === 'confirm' || b === 'continue') {
          const next = dispatch({type: 'confirm'});
          if (next.mode === 'submitted') options.onSubmitted(next);
        } else if (b) dispatch({type: 'cancel'});
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

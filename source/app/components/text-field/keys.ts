import {useKeys} from '../../hooks/use-keys';
import {bindingFor, typedText} from '../../keymap';
import type {TextEdit} from './state';

const FIELD_KEYS = ['reveal', 'erase', 'clearField'] as const;

/**
 * A text field's keys as edits; Enter, Tab and Esc are left to the form around it. Each edit is
 * applied by the owner to its latest value (`applyEdit`), never to the value of the last frame.
 */
export function useTextFieldKeys(options: {
  isActive: boolean;
  onEdit: (edit: TextEdit) => void;
  /** ctrl+v on a secret field. */
  onToggleReveal?: () => void;
}): void {
  useKeys(
    (input, key) => {
      switch (bindingFor(FIELD_KEYS, input, key)) {
        case 'reveal':
          return options.onToggleReveal?.();
        case 'erase':
          return options.onEdit({type: 'erase'});
        case 'clearField':
          return options.onEdit({type: 'clear'});
        case undefined: {
          const text = typedText(input, key);
          if (text) options.onEdit({type: 'insert', text});
        }
      }
    },
    {isActive: options.isActive},
  );
}

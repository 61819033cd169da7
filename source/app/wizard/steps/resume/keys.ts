import {useKeys} from '../../../hooks/use-keys';
import {bindingFor} from '../../../keymap';

/** After a failed resume: Enter or Esc starts a new setup instead. */
export function useResumeKeys(options: {isActive: boolean; onNewSetup: () => void}): void {
  useKeys(
    (input, key) => {
      if (bindingFor(['continue', 'back'], input, key)) options.onNewSetup();
    },
    {isActive: options.isActive},
  );
}

import type {Key} from 'ink';
import {bindingFor} from '../../../keymap';

/**
 * The home's own key, for its menu's `onKey` (the menu takes the list keys): q leaves the app.
 * Returns whether the key was handled, so q never types into the filter.
 */
export const homeKey =
  (onLeave: () => void) =>
  (input: string, key: Key): boolean => {
    if (bindingFor(['leave'], input, key) === undefined) return false;
    onLeave();
    return true;
  };

import {useKeys} from '../../../hooks/use-keys';
import {bindingFor} from '../../../keymap';
import type {RolesAction, RolesState} from './state';

const CHECKLIST = [
  'back',
  'recheck',
  'principal',
  'assign',
  'assignments',
  'copyCommands',
] as const;
/** The object-ID form; its text is edited by the field itself (as `edit` actions). */
const PRINCIPAL = ['back', 'nextField', 'prevField', 'up', 'down', 'submit'] as const;
const CONFIRM = ['confirm', 'deny', 'back'] as const;
/** The role file's path; its text is edited by the field itself. */
const ROLE_FILE = ['back', 'submit'] as const;

/**
 * The roles screen's keys as actions, each acting on the state the keys before it left (`get`).
 * The pickers (role, assignee, scope, assignable scope) are filter lists: they take their own keys.
 */
export function useRolesKeys(options: {
  isActive: boolean;
  dispatch: (action: RolesAction) => RolesState;
  get: () => RolesState;
  /** Esc on the checklist: leave the screen. */
  onBack: () => void;
}): void {
  useKeys(
    (input, key) => {
      const {dispatch} = options;
      const screen = options.get().screen;
      switch (screen.mode) {
        case 'checklist':
          switch (bindingFor(CHECKLIST, input, key)) {
            case 'back':
              return options.onBack();
            case 'recheck':
              return void dispatch({type: 'recheck'});
            case 'principal':
              return void dispatch({type: 'openPrincipal'});
            case 'assign':
              return void dispatch({type: 'openAssign'});
            case 'assignments':
              return void dispatch({type: 'openAssignments'});
            case 'copyCommands':
              return void dispatch({type: 'copyCommands'});
          }
          return;
        case 'principal':
          switch (bindingFor(PRINCIPAL, input, key)) {
            case 'back':
              return void dispatch({type: 'back'});
            case 'nextField':
            case 'down':
              return void dispatch({type: 'cycleType', by: 1});
            case 'prevField':
            case 'up':
              return void dispatch({type: 'cycleType', by: -1});
            case 'submit':
              return void dispatch({type: 'submitPrincipal'});
          }
          return;
        case 'roleFile':
          switch (bindingFor(ROLE_FILE, input, key)) {
            case 'back':
              return void dispatch({type: 'back'});
            case 'submit':
              return void dispatch({type: 'submitRoleFile'});
          }
          return;
        case 'confirm':
          switch (bindingFor(CONFIRM, input, key)) {
            case 'confirm':
              return void dispatch({type: 'confirm'});
            case 'deny':
            case 'back':
              return void dispatch({type: 'cancel'});
          }
          return;
        case 'assignments':
          if (bindingFor(['back'], input, key)) dispatch({type: 'back'});
          return;
        // The pickers take their own keys; an assignment runs to its end.
        default:
          return;
      }
    },
    {isActive: options.isActive},
  );
}

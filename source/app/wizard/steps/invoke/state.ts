import type {AppError, Deployment, InvokeResult, ScoringCredential} from '../../../../domain/types';
import {MAX_REPEAT, repeatCountProblem} from '../../../../domain/scoring';
import {applyEdit, type TextEdit} from '../../../components/text-field';

export const BODY_ROWS = 10;

/** Send the request file `times` times (validated first) to the chosen target. */
export interface SendWork {
  id: number;
  kind: 'send';
  times: number;
  file: string;
  deployment?: string;
}

/** The answer of the last send. */
export interface Sent {
  credential: ScoringCredential;
  results: InvokeResult[];
  receivedAt: number;
}

interface Shared {
  file: string;
  deployment?: string;
  /** The "how many requests" field; kept between openings. */
  count: string;
  scroll: number;
  /** The request file is not valid: nothing was sent. */
  problem?: {problem: string; hint: string};
  sent?: Sent;
  error?: AppError;
  /** The deployments for the target chooser, loaded as the screen opens. */
  deployments?: Deployment[];
  deploymentsWork?: {id: number};
  work?: SendWork;
  lastId: number;
}

/**
 * The invoke screen's modes. The note of a copy belongs to `ready`, where it was made.
 * `sending` holds the number of requests answered so far.
 */
export type InvokeState = Shared &
  (
    | {mode: 'ready'; note?: string; shown?: string}
    | {mode: 'file'}
    | {mode: 'count'}
    | {mode: 'target'}
    | {mode: 'confirmSecretCurl'}
    | {mode: 'sending'; progress: number}
  );

export type InvokeAction =
  | {type: 'send'}
  | {type: 'editFile'}
  | {type: 'editCount'}
  | {type: 'chooseTarget'}
  | {type: 'target'; deployment?: string}
  | {type: 'askSecretCurl'}
  | {type: 'edit'; edit: TextEdit}
  /** Enter in the file field keeps it; in the count field it sends that many. */
  | {type: 'submit'}
  /** Esc: leaves a field, the chooser or the confirmation; while sending, cancels. */
  | {type: 'cancel'}
  | {type: 'confirm'}
  | {type: 'scroll'; by: number}
  /** A note after a copy; `shown`: what was copied, as the screen may show it (no secret). */
  | {type: 'noted'; note: string; shown?: string}
  | {type: 'deploymentsLoaded'; id: number; deployments: Deployment[]}
  | {type: 'deploymentsFailed'; id: number}
  | {type: 'progress'; id: number; done: number}
  | {type: 'invalid'; id: number; problem: string; hint: string}
  | ({type: 'sent'; id: number} & Sent)
  | {type: 'failed'; id: number; error: AppError};

/** The deployment list for the target chooser loads as the screen opens. */
export function initialInvoke(options: {file: string; deployment?: string}): InvokeState {
  return {
    mode: 'ready',
    file: options.file,
    deployment: options.deployment,
    count: '10',
    scroll: 0,
    deploymentsWork: {id: 1},
    lastId: 1,
  };
}

function send(state: InvokeState, times: number): InvokeState {
  const id = state.lastId + 1;
  return {
    ...leaving(state),
    mode: 'sending',
    progress: 0,
    scroll: 0,
    problem: undefined,
    error: undefined,
    sent: undefined,
    lastId: id,
    work: {id, kind: 'send', times, file: state.file, deployment: state.deployment},
  };
}

/** The state without the mode it is leaving (and that mode's note or progress). */
function leaving(state: InvokeState): Shared {
  if (state.mode === 'ready') {
    const {mode: _mode, note: _note, shown: _shown, ...shared} = state;
    return shared;
  }
  if (state.mode === 'sending') {
    const {mode: _mode, progress: _progress, ...shared} = state;
    return shared;
  }
  const {mode: _mode, ...shared} = state;
  return shared;
}

const ready = (state: InvokeState, note?: string): InvokeState => ({
  ...leaving(state),
  mode: 'ready',
  note,
});

/** Did this action come from the send in flight? */
const ours = (state: InvokeState, id: number) => state.mode === 'sending' && state.work?.id === id;

export function invokeReducer(state: InvokeState, action: InvokeAction): InvokeState {
  switch (action.type) {
    case 'send':
      return state.mode === 'ready' ? send(state, 1) : state;
    case 'editFile':
      return state.mode === 'ready' ? {...leaving(state), mode: 'file'} : state;
    case 'editCount':
      return state.mode === 'ready' ? {...leaving(state), mode: 'count'} : state;
    case 'chooseTarget':
      return state.mode === 'ready' ? {...leaving(state), mode: 'target'} : state;
    case 'target':
      return state.mode === 'target' ? {...ready(state), deployment: action.deployment} : state;
    case 'askSecretCurl':
      return state.mode === 'ready' ? {...leaving(state), mode: 'confirmSecretCurl'} : state;
    case 'edit':
      if (state.mode === 'file') return {...state, file: applyEdit(state.file, action.edit)};
      if (state.mode === 'count')
        return {
          ...state,
          count: applyEdit(state.count, action.edit).replace(/\D/g, ''),
          problem: undefined,
        };
      return state;
    case 'submit':
      if (state.mode === 'file') return ready(state);
      if (state.mode === 'count') {
        // Out of range is said, not silently changed into another count.
        const problem = repeatCountProblem(state.count);
        return problem
          ? {...state, problem: {problem, hint: `type a whole number from 1 to ${MAX_REPEAT}`}}
          : send(state, Number(state.count));
      }
      return state;
    case 'cancel':
      if (state.mode === 'sending') return {...ready(state), work: undefined};
      return state.mode === 'ready' ? state : ready(state);
    case 'confirm':
      return state.mode === 'confirmSecretCurl' ? ready(state) : state;
    case 'scroll':
      return state.mode === 'ready'
        ? {...state, scroll: Math.max(0, state.scroll + action.by)}
        : state;
    case 'noted':
      return state.mode === 'ready' ? {...state, note: action.note, shown: action.shown} : state;
    case 'deploymentsLoaded':
      return action.id === state.deploymentsWork?.id
        ? {...state, deployments: action.deployments, deploymentsWork: undefined}
        : state;
    case 'deploymentsFailed':
      // The chooser still offers traffic-routed.
      return action.id === state.deploymentsWork?.id
        ? {...state, deployments: [], deploymentsWork: undefined}
        : state;
    case 'progress':
      return ours(state, action.id) && state.mode === 'sending'
        ? {...state, progress: action.done}
        : state;
    case 'invalid':
      return ours(state, action.id)
        ? {...ready(state), work: undefined, problem: {problem: action.problem, hint: action.hint}}
        : state;
    case 'sent': {
      if (!ours(state, action.id)) return state;
      const {credential, results, receivedAt} = action;
      return {
        ...ready(state),
        work: undefined,
        sent: {credential, results, receivedAt},
      };
    }
    case 'failed':
      return ours(state, action.id)
        ? {...ready(state), work: undefined, error: action.error}
        : state;
  }
}

import type {AppError, AuthMode} from '../../../../domain/types';
import {AUTH_MODES} from '../../../../domain/auth-mode';
import {
  type LogAnalyticsWorkspaceInfo,
  SINCE_CHOICES,
  type TrafficLogFilter,
  type TrafficLoggingStatus,
  type TrafficLogResult,
  trafficQuery,
} from '../../../../domain/traffic-log';
import type {TextEdit} from '../../../components/text-field';
import {applyEdit} from '../../../components/text-field';

/** Work the traffic-log screen asks for; `useWork` runs it (see `./work.ts`). */
export type TrafficWork =
  | {id: number; kind: 'status'}
  | {id: number; kind: 'workspaces'}
  | {id: number; kind: 'enable'; workspace: LogAnalyticsWorkspaceInfo}
  | {id: number; kind: 'read'; filter: TrafficLogFilter};

export interface TrafficFilters {
  /** Index in SINCE_CHOICES (15 min, 1 h, 24 h). */
  since: number;
  failuresOnly: boolean;
  authType?: AuthMode;
  identity?: string;
  requestId?: string;
}

interface Shared {
  endpoint: string;
  filters: TrafficFilters;
  status?: TrafficLoggingStatus;
  result?: TrafficLogResult;
  /** Callers seen in the log so far (object IDs), for `i` to cycle through. */
  identities: string[];
  /** The highlighted row. */
  cursor: number;
  showQuery: boolean;
  /** The x-request-id of the last request sent from the invoke screen. */
  lastRequestId?: string;
  error?: AppError;
  note?: string;
  work?: TrafficWork;
  lastId: number;
}

/**
 * The screen's modes: reading the status; off (nothing sends the traffic log); picking a Log
 * Analytics workspace, confirming and enabling; the log itself; typing a request ID to find.
 */
export type TrafficState = Shared &
  (
    | {mode: 'loading'}
    | {mode: 'off'}
    | {mode: 'picking'; workspaces?: LogAnalyticsWorkspaceInfo[]}
    | {mode: 'confirming'; workspace: LogAnalyticsWorkspaceInfo}
    | {mode: 'enabling'; workspace: LogAnalyticsWorkspaceInfo}
    | {mode: 'log'}
    | {mode: 'requestId'; draft: string}
  );

export type TrafficAction =
  | {type: 'statusLoaded'; id: number; status: TrafficLoggingStatus}
  | {type: 'askEnable'}
  | {type: 'workspacesLoaded'; id: number; workspaces: LogAnalyticsWorkspaceInfo[]}
  | {type: 'pick'; workspace: LogAnalyticsWorkspaceInfo}
  | {type: 'confirm'}
  | {type: 'cancel'}
  | {type: 'enabled'; id: number; status: TrafficLoggingStatus; created: boolean}
  | {type: 'read'; id: number; result: TrafficLogResult}
  | {type: 'failed'; id: number; error: AppError}
  | {type: 'window'}
  | {type: 'failures'}
  | {type: 'authType'}
  | {type: 'identity'}
  | {type: 'openRequestId'}
  | {type: 'edit'; edit: TextEdit}
  | {type: 'applyRequestId'}
  | {type: 'lastRequest'}
  | {type: 'clearFilters'}
  | {type: 'toggleQuery'}
  | {type: 'reload'}
  | {type: 'move'; by: number}
  | {type: 'noted'; note: string};

export function initialTraffic(options: {endpoint: string; lastRequestId?: string}): TrafficState {
  return {
    endpoint: options.endpoint,
    filters: {since: 1, failuresOnly: false},
    identities: [],
    cursor: 0,
    showQuery: false,
    ...(options.lastRequestId ? {lastRequestId: options.lastRequestId} : {}),
    mode: 'loading',
    work: {id: 1, kind: 'status'},
    lastId: 1,
  };
}

/** The filter the Services take, from the screen's filters. */
export function filterOf(f: TrafficFilters): TrafficLogFilter {
  return {
    sinceMs: SINCE_CHOICES[f.since]!.ms,
    ...(f.failuresOnly ? {failuresOnly: true} : {}),
    ...(f.authType ? {authType: f.authType} : {}),
    ...(f.identity ? {identity: f.identity} : {}),
    ...(f.requestId ? {requestId: f.requestId} : {}),
  };
}

/** The KQL for the filters on screen (what `c` copies), ready for the portal's Logs blade. */
export const queryOf = (state: TrafficState): string =>
  trafficQuery(state.endpoint, filterOf(state.filters));

type WorkRequest = TrafficWork extends infer W
  ? W extends {id: number}
    ? Omit<W, 'id'>
    : never
  : never;

function start(state: TrafficState, work: WorkRequest): TrafficState {
  const id = state.lastId + 1;
  return {...state, lastId: id, work: {...work, id} as TrafficWork};
}

function shared(state: TrafficState): Shared {
  const {mode: _mode, ...rest} = state as TrafficState & Record<string, unknown>;
  delete rest.workspaces;
  delete rest.workspace;
  delete rest.draft;
  return rest as Shared;
}

const inMode = (state: TrafficState, mode: 'off' | 'log' | 'loading'): TrafficState => ({
  ...shared(state),
  mode,
});

/** Reads the log with the filters: the log mode, the read in flight. */
const reading = (state: TrafficState, filters = state.filters): TrafficState =>
  start(
    {...inMode({...state, filters}, 'log'), error: undefined},
    {
      kind: 'read',
      filter: filterOf(filters),
    },
  );

const busy = (state: TrafficState) => state.work !== undefined;

/** Whether the log's filter keys apply (the log is on and shown). */
const inLog = (state: TrafficState) => state.mode === 'log';

function nextIn<T>(list: readonly T[], current: T | undefined): T | undefined {
  const i = current === undefined ? -1 : list.indexOf(current);
  return i + 1 < list.length ? list[i + 1] : undefined;
}

export function trafficReducer(state: TrafficState, action: TrafficAction): TrafficState {
  switch (action.type) {
    case 'statusLoaded': {
      if (action.id !== state.work?.id) return state;
      const next = {...state, status: action.status, work: undefined, error: undefined};
      return action.status.on ? reading(next) : inMode(next, 'off');
    }
    case 'askEnable':
      if (state.mode !== 'off' && state.mode !== 'log') return state;
      return start(
        {...shared(state), mode: 'picking', note: undefined, error: undefined},
        {
          kind: 'workspaces',
        },
      );
    case 'workspacesLoaded':
      return action.id === state.work?.id && state.mode === 'picking'
        ? {...state, workspaces: action.workspaces, work: undefined}
        : state;
    case 'pick':
      return state.mode === 'picking'
        ? {...shared(state), mode: 'confirming', workspace: action.workspace}
        : state;
    case 'confirm':
      return state.mode === 'confirming'
        ? start(
            {...shared(state), mode: 'enabling', workspace: state.workspace},
            {
              kind: 'enable',
              workspace: state.workspace,
            },
          )
        : state;
    case 'cancel': {
      if (state.mode === 'requestId') return inMode(state, 'log');
      if (state.mode !== 'picking' && state.mode !== 'confirming') return state;
      const {work: _w, ...rest} = shared(state);
      return {...rest, mode: state.status?.on ? 'log' : 'off'};
    }
    case 'enabled': {
      if (action.id !== state.work?.id || state.mode !== 'enabling') return state;
      const note = action.created
        ? `Traffic logging is on: ${state.workspace.name} receives AmlOnlineEndpointTrafficLog. In Azure, records take a few minutes to appear.`
        : `Traffic logging already went to ${state.workspace.name}: nothing changed.`;
      return reading({...state, status: action.status, work: undefined, note});
    }
    case 'read': {
      if (action.id !== state.work?.id) return state;
      const seen = new Set(state.identities);
      for (const i of action.result.summary.byIdentity) if (i.identity) seen.add(i.identity);
      return {
        ...state,
        result: action.result,
        identities: [...seen],
        cursor: Math.min(state.cursor, Math.max(0, action.result.rows.length - 1)),
        work: undefined,
        error: undefined,
      };
    }
    case 'failed': {
      if (action.id !== state.work?.id) return state;
      const failed = {...state, error: action.error, work: undefined};
      // A failed enable goes back to where it was asked from; the error stays on screen.
      if (state.mode === 'enabling') return inMode(failed, state.status?.on ? 'log' : 'off');
      if (failed.mode === 'picking') return {...failed, workspaces: []};
      return failed;
    }
    case 'window':
      return inLog(state)
        ? reading(state, {
            ...state.filters,
            since: (state.filters.since + 1) % SINCE_CHOICES.length,
          })
        : state;
    case 'failures':
      return inLog(state)
        ? reading(state, {...state.filters, failuresOnly: !state.filters.failuresOnly})
        : state;
    case 'authType': {
      if (!inLog(state)) return state;
      const {authType: _a, ...rest} = state.filters;
      const next = nextIn(AUTH_MODES, state.filters.authType);
      return reading(state, next ? {...rest, authType: next} : rest);
    }
    case 'identity': {
      if (!inLog(state) || state.identities.length === 0) return state;
      const {identity: _i, ...rest} = state.filters;
      const next = nextIn(state.identities, state.filters.identity);
      return reading(state, next ? {...rest, identity: next} : rest);
    }
    case 'openRequestId':
      return inLog(state)
        ? {...shared(state), mode: 'requestId', draft: state.filters.requestId ?? ''}
        : state;
    case 'edit':
      return state.mode === 'requestId'
        ? {...state, draft: applyEdit(state.draft, action.edit)}
        : state;
    case 'applyRequestId': {
      if (state.mode !== 'requestId') return state;
      const {requestId: _r, ...rest} = state.filters;
      const id = state.draft.trim();
      return reading({...state, cursor: 0}, id ? {...rest, requestId: id} : rest);
    }
    case 'lastRequest':
      return inLog(state) && state.lastRequestId
        ? reading({...state, cursor: 0}, {...state.filters, requestId: state.lastRequestId})
        : state;
    case 'clearFilters':
      return inLog(state)
        ? reading(state, {since: state.filters.since, failuresOnly: false})
        : state;
    case 'toggleQuery':
      return {...state, showQuery: !state.showQuery};
    case 'reload':
      if (state.mode === 'loading') return busy(state) ? state : start(state, {kind: 'status'});
      return inLog(state) ? reading(state) : state;
    case 'move': {
      const n = state.result?.rows.length ?? 0;
      if (!inLog(state) || n === 0) return state;
      return {...state, cursor: Math.max(0, Math.min(n - 1, state.cursor + action.by))};
    }
    case 'noted':
      return {...state, note: action.note};
  }
}

/** Labels of the filters, for the filter line. */
export function filterLabels(
  f: TrafficFilters,
  nameOf: (oid: string) => string,
): {window: string; failures: string; auth: string; identity: string; request: string} {
  return {
    window: SINCE_CHOICES[f.since]!.label,
    failures: f.failuresOnly ? 'only' : 'all',
    auth: f.authType ?? 'all',
    identity: f.identity ? nameOf(f.identity) : 'all',
    request: f.requestId ?? 'any',
  };
}

/** Whether a request ID draft looks like one (for the field's live message). */
export const requestIdProblem = (draft: string): string | undefined =>
  draft.trim() && !/^[A-Za-z0-9-]{8,64}$/.test(draft.trim())
    ? 'a request ID is letters, digits and dashes (the x-request-id of a response)'
    : undefined;

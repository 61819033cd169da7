import type {AppError, AuthMode, EndpointKeys, ScoringCredential} from '../../../../domain/types';
import {isUsable, refreshDueAt} from '../../../../domain/credentials';
import {localTime} from '../../../../lib/time';

export type Which = 'primary' | 'secondary';

/** Work the credentials screen asks for; `useWork` runs it (see `./work.ts`). */
export type CredentialsWork =
  /** `reason`: the note shown once the keys or the token arrive (a retry, a refresh). */
  | {id: number; kind: 'listKeys'; reason?: string}
  | {id: number; kind: 'token'; reason?: string}
  /** Regenerate one key, then list the keys again to show the new one. */
  | {id: number; kind: 'regenerate'; which: Which};

interface Shared {
  authMode: AuthMode;
  revealed: boolean;
  showExport: boolean;
  autoRefresh: boolean;
  /** The highlighted key (key mode). */
  which: Which;
  keys?: EndpointKeys;
  /** The token shown (token modes): the one reused from the session, or the last fetched. */
  token?: ScoringCredential;
  /** When the shown token was fetched here (its whole lifetime is known then). */
  issuedAt?: number;
  /** The key regenerated on this screen, marked "(new)". */
  changed?: Which;
  /** The last fetch (keys or token) failed. */
  error?: AppError;
  regenError?: AppError;
  /** A key being regenerated, with the time the operation has taken so far. */
  regenerating?: {which: Which; elapsedMs: number};
  work?: CredentialsWork;
  /** The last work id, so the next one is new even after work finished. */
  lastId: number;
}

/**
 * The screen's modes: viewing the credential (with the note of the last copy or refresh, which
 * belongs to this mode and goes when it is left), or confirming a key regeneration.
 */
export type CredentialsState = Shared &
  ({mode: 'viewing'; note?: string; shown?: string} | {mode: 'confirmingRegen'});

export type CredentialsAction =
  | {type: 'toggleReveal'}
  | {type: 'toggleExport'}
  | {type: 'toggleAutoRefresh'}
  /** ↑/↓ in key mode: the other key. */
  | {type: 'otherKey'}
  | {type: 'askRegenerate'}
  | {type: 'confirm'}
  | {type: 'cancel'}
  | {type: 'refresh'}
  /** The refresh-after moment passed (`at`: the time it was noticed). */
  | {type: 'due'; at: number}
  /** A note after a copy; `shown`: what was copied, as the screen may show it (no secret). */
  | {type: 'noted'; note: string; shown?: string}
  | {type: 'keysListed'; id: number; keys: EndpointKeys}
  | {type: 'tokenFetched'; id: number; credential: ScoringCredential; at: number}
  | {type: 'regenProgress'; id: number; elapsedMs: number}
  | {type: 'regenerated'; id: number; which: Which; keys: EndpointKeys}
  | {type: 'regenFailed'; id: number; error: AppError}
  | {type: 'failed'; id: number; error: AppError};

/**
 * The screen fetches its credential as it opens: keys are listed; a token is fetched unless the
 * session already has a usable one of this kind (its countdown shows what is left).
 */
export function initialCredentials(options: {
  authMode: AuthMode;
  cached?: ScoringCredential;
  now: number;
}): CredentialsState {
  const {authMode, cached, now} = options;
  const shared: Shared = {
    authMode,
    revealed: false,
    showExport: false,
    autoRefresh: true,
    which: 'primary',
    lastId: 1,
  };
  if (authMode === 'key') return {...shared, mode: 'viewing', work: {id: 1, kind: 'listKeys'}};
  const token = cached?.kind === authMode ? cached : undefined;
  const reuse = isUsable(token, now);
  return {
    ...shared,
    mode: 'viewing',
    token,
    lastId: reuse ? 0 : 1,
    work: reuse ? undefined : {id: 1, kind: 'token'},
  };
}

/** The credential shown (and copied, and exported), if there is one yet. */
export function currentCredential(state: CredentialsState): ScoringCredential | undefined {
  if (state.authMode !== 'key') return state.token;
  if (!state.keys) return undefined;
  return keyCredential(state.keys, state.which);
}

export const keyCredential = (keys: EndpointKeys, which: Which): ScoringCredential => ({
  kind: 'key',
  value: which === 'primary' ? keys.primaryKey : keys.secondaryKey,
  which,
});

/** When the shown token is due for its automatic refresh (undefined: never, or turned off). */
export function autoRefreshAt(state: CredentialsState): number | undefined {
  const current = currentCredential(state);
  return state.autoRefresh && current ? refreshDueAt(current, state.issuedAt) : undefined;
}

export const fetching = (state: CredentialsState): boolean =>
  state.work?.kind === 'listKeys' || state.work?.kind === 'token';

type WorkRequest = CredentialsWork extends infer W
  ? W extends {id: number}
    ? Omit<W, 'id'>
    : never
  : never;

function start(state: CredentialsState, work: WorkRequest): CredentialsState {
  const id = state.lastId + 1;
  return {...state, lastId: id, work: {...work, id} as CredentialsWork};
}

/** The state without the mode it is leaving (and that mode's note). */
function leaving(state: CredentialsState): Shared {
  if (state.mode !== 'viewing') return state;
  const {mode: _mode, note: _note, shown: _shown, ...shared} = state;
  return shared;
}

const viewing = (state: CredentialsState, note?: string): CredentialsState => ({
  ...leaving(state),
  mode: 'viewing',
  note,
});

export function credentialsReducer(
  state: CredentialsState,
  action: CredentialsAction,
): CredentialsState {
  switch (action.type) {
    case 'toggleReveal':
      return {...state, revealed: !state.revealed};
    case 'toggleExport':
      return {...state, showExport: !state.showExport};
    case 'toggleAutoRefresh':
      return state.authMode === 'key' ? state : {...state, autoRefresh: !state.autoRefresh};
    case 'otherKey':
      return state.authMode === 'key' && state.mode === 'viewing'
        ? {...state, which: state.which === 'primary' ? 'secondary' : 'primary'}
        : state;
    case 'askRegenerate':
      return state.authMode === 'key' && state.mode === 'viewing' && !state.regenerating
        ? {...leaving(state), mode: 'confirmingRegen'}
        : state;
    case 'confirm':
      if (state.mode !== 'confirmingRegen') return state;
      return start(
        {
          ...viewing(state),
          regenerating: {which: state.which, elapsedMs: 0},
          regenError: undefined,
        },
        {kind: 'regenerate', which: state.which},
      );
    case 'cancel':
      return state.mode === 'confirmingRegen' ? viewing(state) : state;
    case 'refresh':
      // A fetch in flight is replaced (one that hangs can be given up on); a regeneration is not.
      if (state.mode !== 'viewing' || state.regenerating) return state;
      // Key mode: read the keys again (after a failure, or a regeneration made elsewhere).
      return state.authMode === 'key'
        ? start(state, {kind: 'listKeys', reason: 'Keys read again.'})
        : start(state, {kind: 'token', reason: 'Refreshed.'});
    case 'due':
      // A fetch already running answers it; turned off, it is ignored.
      if (state.authMode === 'key' || !state.autoRefresh || fetching(state)) return state;
      return start(state, {
        kind: 'token',
        reason: `Refreshed automatically at ${localTime(action.at, action.at)} (refresh-after passed).`,
      });
    case 'noted':
      return state.mode === 'viewing' ? {...state, note: action.note, shown: action.shown} : state;
    case 'keysListed': {
      const work = state.work;
      if (action.id !== work?.id) return state;
      const next: CredentialsState = {
        ...state,
        keys: action.keys,
        error: undefined,
        work: undefined,
      };
      return work.kind === 'listKeys' && work.reason && next.mode === 'viewing'
        ? {...next, note: work.reason}
        : next;
    }
    case 'tokenFetched': {
      const work = state.work;
      if (action.id !== work?.id || work.kind !== 'token') return state;
      const next: CredentialsState = {
        ...state,
        token: action.credential,
        issuedAt: action.at,
        error: undefined,
        work: undefined,
      };
      return work.reason && next.mode === 'viewing' ? {...next, note: work.reason} : next;
    }
    case 'regenProgress':
      return action.id === state.work?.id && state.regenerating
        ? {...state, regenerating: {...state.regenerating, elapsedMs: action.elapsedMs}}
        : state;
    case 'regenerated':
      return action.id === state.work?.id
        ? {
            ...state,
            keys: action.keys,
            changed: action.which,
            regenerating: undefined,
            error: undefined,
            work: undefined,
          }
        : state;
    case 'regenFailed':
      return action.id === state.work?.id
        ? {...state, regenError: action.error, regenerating: undefined, work: undefined}
        : state;
    case 'failed':
      return action.id === state.work?.id
        ? {...state, error: action.error, regenerating: undefined, work: undefined}
        : state;
  }
}

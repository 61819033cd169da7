import type {
  AppError,
  BrowserPrompt,
  DeviceCodePrompt,
  SignInMethod,
  SignInResult,
} from '../../../../domain/types';
import {applyEdit, type TextEdit} from '../../../components/text-field';
import type {ResumeTarget, Session, SignInAgain} from '../../state';
import {type FieldName, fieldProblem, fieldsFor, formProblems, toParams} from './methods';

export type SignInValues = Partial<Record<FieldName, string>>;

/** The sign-in the screen runs: the method and the values at the moment it started. */
export interface SignInWork {
  id: number;
  kind: 'signIn';
  method: SignInMethod;
  values: SignInValues;
}

interface Base {
  method: SignInMethod;
  values: SignInValues;
  /** The focused field of the method's form. */
  focus: number;
  /** A line about the last thing that happened (cancelled, code copied…). */
  note?: string;
  /** A resumed profile: a successful sign-in goes straight on. */
  resuming: boolean;
  /** Signing in again over a step: Esc returns to it, whatever the mode. */
  again: boolean;
  /** The id of the last sign-in started, so a new one never reuses it. */
  lastWork: number;
}

/** The sign-in screen's modes. */
export type SignInScreen =
  | (Base & {mode: 'method'})
  | (Base & {mode: 'form'})
  | (Base & {
      mode: 'running';
      work: SignInWork;
      prompt?: DeviceCodePrompt;
      /** Browser sign-in: the page, opened or to open by hand, and since when it waits (epoch ms). */
      browser?: BrowserPrompt & {since: number};
    })
  | (Base & {mode: 'failed'; error: AppError})
  | (Base & {mode: 'signedIn'; result: SignInResult; inspect: boolean})
  /** Signed in and going on: the wizard is told (`sessionOf`). */
  | (Base & {mode: 'finished'; result: SignInResult; inspect: boolean});

export type SignInAction =
  /** A method picked in the list. */
  | {type: 'choose'; method: SignInMethod}
  | {type: 'edit'; edit: TextEdit}
  | {type: 'focus'; by: 1 | -1}
  /** Enter in the form: the next field, or sign in from the last one. */
  | {type: 'submit'}
  /** Esc: leave the form, cancel the sign-in, or sign in again from the summary. */
  | {type: 'back'}
  /** Enter after a failure (back to the form) or on the summary (go on). */
  | {type: 'continue'}
  | {type: 'inspect'}
  | {type: 'note'; note: string}
  | {type: 'prompt'; id: number; prompt: DeviceCodePrompt}
  /** The browser sign-in's page, at `at` (epoch ms). */
  | {type: 'browser'; id: number; prompt: BrowserPrompt; at: number}
  /** While a browser sign-in waits: give up on it and sign in with a device code instead. */
  | {type: 'useDeviceCode'}
  | {type: 'signedIn'; id: number; result: SignInResult}
  | {type: 'failed'; id: number; error: AppError};

/** Methods whose form holds a secret ask for it again when a profile is resumed. */
const needsForm = (m: SignInMethod) => fieldsFor(m).some((f) => f.secret);

export function initialSignIn(options: {
  resume?: ResumeTarget;
  /** Signing in again in place: the session's method and parameters, started at once. */
  again?: SignInAgain;
  defaultMethod?: SignInMethod;
  defaultTenant?: string;
  /** AZURE_CLIENT_SECRET: a resumed service principal signs in with it, as the commands do. */
  environmentSecret?: string;
}): SignInScreen {
  const resume = options.resume ?? options.again;
  const base: Base = {
    method: resume?.method ?? options.defaultMethod ?? 'device-code',
    values: {
      tenantId: resume?.params.tenantId ?? options.defaultTenant ?? '',
      clientId: resume?.params.clientId ?? '',
      certificatePath: resume?.params.certificatePath ?? '',
    },
    focus: 0,
    resuming: resume !== undefined,
    again: options.again !== undefined,
    lastWork: 0,
  };
  if (!resume) return {...base, mode: 'method'};
  if (
    resume.method === 'service-principal' &&
    options.environmentSecret &&
    base.values.tenantId &&
    base.values.clientId
  ) {
    return start(base, base.method, {...base.values, clientSecret: options.environmentSecret});
  }
  if (needsForm(resume.method)) return {...base, mode: 'form'};
  // A resumed profile signs in straight away (silently where a cached sign-in allows).
  return start(base, base.method, base.values);
}

function start(base: Base, method: SignInMethod, values: SignInValues): SignInScreen {
  const id = base.lastWork + 1;
  return {
    ...strip(base),
    method,
    values,
    note: undefined,
    lastWork: id,
    mode: 'running',
    work: {id, kind: 'signIn', method, values},
  };
}

/** The fields every mode shares, without what belongs to one mode. */
function strip(s: Base): Base {
  const {method, values, focus, note, resuming, again, lastWork} = s;
  return {method, values, focus, note, resuming, again, lastWork};
}

/** Where Esc or Enter leave a sign-in that was cancelled or failed. */
const retry = (s: Base): 'form' | 'method' =>
  s.resuming || fieldsFor(s.method).length ? 'form' : 'method';

export function signInReducer(state: SignInScreen, action: SignInAction): SignInScreen {
  const base = strip(state);
  switch (action.type) {
    case 'choose':
      if (state.mode !== 'method') return state;
      if (fieldsFor(action.method).length === 0) return start(base, action.method, {});
      return {...base, mode: 'form', method: action.method, focus: 0};
    case 'edit': {
      if (state.mode !== 'form') return state;
      // The focused field of this state, so text typed right after a tab lands where it should.
      const field = fieldsFor(state.method)[state.focus];
      if (!field) return state;
      const value = applyEdit(state.values[field.name] ?? '', action.edit);
      return {...state, values: {...state.values, [field.name]: value}};
    }
    case 'focus': {
      if (state.mode !== 'form') return state;
      const n = fieldsFor(state.method).length;
      return n ? {...state, focus: (state.focus + action.by + n) % n} : state;
    }
    case 'submit': {
      if (state.mode !== 'form') return state;
      const fields = fieldsFor(state.method);
      if (state.focus < fields.length - 1) return {...state, focus: state.focus + 1};
      if (formProblems(state.method, state.values).length === 0)
        return start(base, state.method, state.values);
      return {
        ...state,
        focus: fields.findIndex((f) => fieldProblem(f, state.values[f.name] ?? '')),
      };
    }
    case 'back':
      switch (state.mode) {
        case 'form':
          return {...base, mode: 'method'};
        case 'running':
        case 'failed':
          return {...base, mode: retry(state), note: 'Sign-in cancelled.'};
        case 'signedIn':
          return {...base, mode: 'method'};
        default:
          return state;
      }
    case 'continue':
      if (state.mode === 'failed') return {...base, mode: retry(state)};
      if (state.mode === 'signedIn') return {...state, mode: 'finished'};
      return state;
    case 'inspect':
      return state.mode === 'signedIn' ? {...state, inspect: !state.inspect} : state;
    case 'note':
      return {...state, note: action.note};
    case 'prompt':
      return state.mode === 'running' && state.work.id === action.id
        ? {...state, prompt: action.prompt}
        : state;
    case 'browser':
      if (state.mode !== 'running' || state.work.id !== action.id) return state;
      return {
        ...state,
        // A later report (the opener failed after starting) keeps the time it began waiting.
        browser: {...action.prompt, since: state.browser?.since ?? action.at},
      };
    case 'useDeviceCode':
      if (state.mode !== 'running' || state.method !== 'browser') return state;
      // Same tenant; the replaced work is aborted, which ends the browser sign-in's wait.
      return start(base, 'device-code', {tenantId: state.values.tenantId ?? ''});
    case 'signedIn':
      if (state.mode !== 'running' || state.work.id !== action.id) return state;
      return {
        ...base,
        mode: state.resuming ? 'finished' : 'signedIn',
        result: action.result,
        inspect: false,
      };
    case 'failed':
      if (state.mode !== 'running' || state.work.id !== action.id) return state;
      return {...base, mode: 'failed', error: action.error};
  }
}

/** What the wizard keeps of a sign-in: never the client secret. */
export function sessionOf(
  method: SignInMethod,
  values: SignInValues,
  result: SignInResult,
): Session {
  const {clientSecret: _secret, ...params} = toParams(values);
  return {
    method,
    params: {
      ...params,
      ...(result.authenticationRecord ? {authenticationRecord: result.authenticationRecord} : {}),
    },
    result,
  };
}

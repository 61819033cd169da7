/**
 * What every part of the error mapping shares: the ErrorContext, the ServiceError a Service
 * rejects with, redaction, and small readers of error shapes (errors are recognised by shape,
 * not by class, so no `@azure/*` import).
 */
import type {AppError, CloudConfig, SignInMethod} from '../../domain/types';
import {visible, visibleText} from '../../lib/visible';

export interface ErrorContext {
  /** What was being done, as a verb phrase: `list workspaces`, `create endpoint ep1`. */
  operation: string;
  /** The ARM scope or resource the operation was about. */
  scope?: string;
  /** The cloud in use: names the CA option and the cloud file in TLS and network hints. */
  cloud?: Pick<CloudConfig, 'name' | 'custom'> &
    Partial<Pick<CloudConfig, 'file' | 'caCertFile' | 'authorityHost' | 'managementScope'>>;
  /** The sign-in method, for hints that depend on it. */
  method?: SignInMethod;
  /** A sign-in had worked before this failure (the call was made with its credential). */
  signedIn?: boolean;
  /** The host that was being reached, when the error does not say. */
  host?: string;
  /** Values that must never appear in the output (a client secret, a token). */
  secrets?: string[];
}

/** An error a Service rejects with: already explained. `toAppError` returns `appError` as is. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly appError: AppError,
    options?: {cause?: unknown},
  ) {
    super(`${appError.title}: ${appError.detail}`, options);
  }
}

export const isServiceError = (err: unknown): err is ServiceError =>
  err instanceof ServiceError ||
  (isObject(err) && err.name === 'ServiceError' && isObject(err.appError));

export type Obj = Record<string, unknown>;
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** A secret at least this long is random enough to be redacted wherever it appears. */
const LONG_SECRET = 16;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Removes tokens and secrets from text shown to a person. A given secret of 16 characters or more
 * is replaced wherever it appears; a shorter one (a weak client secret such as `blue`) only where
 * it stands as a value — quoted, or after `=` or `: ` — and never inside or as an ordinary word,
 * so "deployment blue" stays readable while `secret 'blue'` does not leak.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[token]')
    .replace(/(bearer\s+)[^\s"',;]+/gi, '$1[redacted]')
    .replace(
      /\b(client_secret|client_assertion|refresh_token|access_token|device_code|password|sig)=([^&\s"']+)/gi,
      '$1=[redacted]',
    );
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    if (s.length >= LONG_SECRET) {
      out = out.split(s).join('[secret]');
      continue;
    }
    const value = escapeRegExp(s);
    out = out
      .replace(new RegExp(`(["'\`])${value}\\1`, 'g'), '$1[secret]$1')
      .replace(new RegExp(`(=|: )${value}(?![\\w.~+/-])`, 'g'), '$1[secret]');
  }
  return out;
}

/** The first line, without the trailing noise Entra appends (trace, correlation, timestamp). */
export function firstLine(text: string): string {
  return text
    .split(/\r?\n/)[0]!
    .replace(/\s*Trace ID:.*$/i, '')
    .trim();
}

export const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function hostOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

export function header(response: unknown, name: string): string | undefined {
  if (!isObject(response)) return undefined;
  const headers = response.headers;
  if (!isObject(headers)) return undefined;
  if (typeof headers.get === 'function') {
    return str((headers.get as (n: string) => unknown).call(headers, name));
  }
  const hit = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  return hit ? str(hit[1]) : undefined;
}

export function make(
  kind: AppError['kind'],
  title: string,
  detail: string,
  extra: Partial<Omit<AppError, 'kind' | 'title' | 'detail'>> = {},
): AppError {
  const out: AppError = {title, detail, nextSteps: [], kind};
  for (const [k, v] of Object.entries(extra)) {
    if (v !== undefined) (out as unknown as Obj)[k] = v;
  }
  return out;
}

/** How to sign in again with the method, for a person (a command says to run it again). */
export function signInAgainStep(method: SignInMethod | undefined): string {
  switch (method) {
    case 'cli':
      return 'Run `az login` again (the Azure CLI sign-in is what expired), then try again.';
    case 'device-code':
    case 'browser':
      return method === 'browser'
        ? 'Sign in again in the browser (a command: run it again on a terminal).'
        : 'Sign in again with a new device code (a command: run it again with --device-code).';
    case 'managed-identity':
      return 'The managed identity could not get a token: check the identity on this host, then try again.';
    case 'environment':
    case 'service-principal':
    case 'service-principal-certificate':
      return 'Check that the service principal still exists and its secret or certificate is valid, then sign in again.';
    default:
      return 'Sign in again.';
  }
}

export function finish(err: AppError, ctx: ErrorContext | undefined, cause: unknown): AppError {
  const secrets = ctx?.secrets ?? [];
  // Messages carry the server's words: control characters (ANSI, OSC 52) are shown, not obeyed.
  const clean = (text: string) => visibleText(redact(text, secrets));
  const out: AppError = {
    ...err,
    title: visible(redact(err.title, secrets)),
    detail: clean(err.detail),
    nextSteps: err.nextSteps.map(clean),
  };
  if (err.hint !== undefined) out.hint = clean(err.hint);
  if (err.code !== undefined) out.code = visible(err.code);
  // The original error, for --debug only: not enumerable, so it is never serialised or rendered.
  if (cause !== undefined) Object.defineProperty(out, 'cause', {value: cause, enumerable: false});
  return out;
}

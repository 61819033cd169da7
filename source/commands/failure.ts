/**
 * Every failure of a command becomes one CliError: a one-line reason, next steps, and the exit
 * code the README documents. Pure: the caller prints it.
 */
import type {AppError} from '../domain/types';
import {visible, visibleText} from '../lib/visible';
import {CliError, ExitCode, type ExitCodeValue} from './exit-codes';

/** AppError.kind → exit code: auth 3, permission 4, notFound 5, invalid 2, cancelled 130, else 1. */
export function exitCodeForKind(kind: AppError['kind']): ExitCodeValue {
  switch (kind) {
    case 'auth':
      return ExitCode.authentication;
    case 'permission':
      return ExitCode.permissionDenied;
    case 'notFound':
      return ExitCode.notFound;
    case 'invalid':
      return ExitCode.usage;
    case 'cancelled':
      return ExitCode.interrupted;
    default:
      return ExitCode.failure;
  }
}

/** A CliError whose hint lists the AppError's hint and next steps, one per line. */
export function cliErrorFromApp(app: AppError, exitCode = exitCodeForKind(app.kind)): CliError {
  const detail = app.detail && app.detail !== app.title ? `: ${app.detail}` : '';
  const steps = [app.hint, ...app.nextSteps].filter((s): s is string => Boolean(s));
  const extra = app.requestId ? [`request ID ${app.requestId}`] : [];
  const err = new CliError(
    oneLine(`${app.title}${detail}`),
    exitCode,
    [...steps, ...extra].join('\n        ') || undefined,
  );
  if (app.cause !== undefined)
    Object.defineProperty(err, 'cause', {value: app.cause, enumerable: false});
  return err;
}

/** Collapses whitespace so a reason stays on one line. */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * How a command prints a failure on stderr: `aml-auth: reason` then `  hint: …` lines. Reasons
 * quote outside text (names, server words): control characters are shown, never sent raw.
 */
export function formatFailure(err: CliError): string {
  const hint = err.hint ? `  hint: ${visibleText(err.hint)}\n` : '';
  return `aml-auth: ${visible(err.message)}\n${hint}`;
}

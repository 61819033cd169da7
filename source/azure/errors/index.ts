/**
 * Failures explained for a person: what failed, Azure's code and words, the request ID and what to
 * do next. Errors are recognised by shape (`name`, `statusCode`, `code`), not by class, so this
 * folder imports no `@azure/*` package: the UI can use it before the SDKs load, and errors from
 * any copy of the SDK packages are understood. The entry point is `toAppError`; one file per
 * source of failure (transport, entra, credentials, arm, rbac) and the shared helpers.
 */
import type {AppError} from '../../domain/types';
import {arm} from './arm';
import {unavailable} from './credentials';
import {entra} from './entra';
import {
  capitalise,
  finish,
  firstLine,
  isObject,
  isServiceError,
  make,
  num,
  signInAgainStep,
  str,
  type ErrorContext,
} from './helpers';
import {transport, transportError} from './transport';

/** Explains any failure from the SDKs, Node or this app as an AppError. Never includes a secret. */
export function toAppError(err: unknown, context?: ErrorContext): AppError {
  if (isServiceError(err)) return err.appError;
  return finish(classify(err, context), context, err);
}

function classify(err: unknown, ctx: ErrorContext | undefined): AppError {
  if (!isObject(err)) {
    return make(
      'unknown',
      ctx?.operation ? `Couldn't ${ctx.operation}` : 'Something failed',
      String(err),
    );
  }
  const name = str(err.name) ?? '';
  const message = str(err.message) ?? '';

  if (
    name === 'AbortError' ||
    (name === 'Error' && /aborted/i.test(message) && err.code === 'ABORT_ERR')
  ) {
    return make(
      'cancelled',
      ctx?.operation ? `Cancelled: ${ctx.operation}` : 'Cancelled',
      'The operation was cancelled.',
      {
        nextSteps: [],
      },
    );
  }
  if (name === 'CloudError') {
    return make('invalid', 'The cloud configuration is not usable', message, {
      nextSteps: ['Fix the cloud file or choose a built-in cloud with --cloud.'],
    });
  }
  if (name === 'TokenDecodeError') {
    return make('invalid', 'The token could not be decoded', message, {nextSteps: []});
  }
  if (name === 'AggregateAuthenticationError') {
    const errors = Array.isArray(err.errors) ? err.errors : [];
    const lines = errors
      .filter(isObject)
      .map((e) => firstLine(str(e.message) ?? String(e)))
      .filter(Boolean);
    return make('auth', 'No credential in the chain could sign in', lines.join(' | ') || message, {
      code: 'AggregateAuthenticationError',
      hint: 'DefaultAzureCredential tries the environment, workload identity, managed identity and the Azure CLI, in that order.',
      nextSteps: [
        'Choose one sign-in method explicitly (device code works everywhere).',
        'Or prepare one of them, e.g. run `az login`.',
      ],
    });
  }
  if (name === 'CredentialUnavailableError') return unavailable(err, ctx);
  if (
    name === 'AuthenticationRequiredError' &&
    /Automatic authentication has been disabled/.test(message)
  ) {
    return make(
      'auth',
      'Your sign-in needs to be renewed',
      'The saved sign-in can no longer get tokens silently.',
      {
        code: 'AuthenticationRequired',
        nextSteps: [signInAgainStep(ctx?.method)],
        signInAgain: true,
      },
    );
  }
  if (
    name === 'AuthenticationError' ||
    name === 'AuthenticationRequiredError' ||
    /AADSTS\d+/.test(message) ||
    isObject(err.errorResponse)
  ) {
    return entra(err, ctx);
  }
  const wire = transportError(err);
  if (wire) return transport(wire, ctx);
  if (name === 'RestError' || num(err.statusCode) !== undefined) return arm(err, ctx);
  const what = ctx?.operation ? `Couldn't ${ctx.operation}` : 'Something failed';
  return make('unknown', what, firstLine(message) || capitalise(name || 'error'), {
    nextSteps: ['Try again; run with --debug to see the details.'],
  });
}

export {isServiceError, redact, ServiceError, type ErrorContext} from './helpers';
export {isTransportCode} from './transport';
export {rolesForAction} from './rbac';

/** Resource Manager (ARM) failures explained for a person; RBAC ones go through rbac.ts. */
import type {AppError} from '../../domain/types';
import {
  header,
  isObject,
  make,
  num,
  signInAgainStep,
  str,
  type ErrorContext,
  type Obj,
} from './helpers';
import {permissionDenied, roleError} from './rbac';

export function arm(err: Obj, ctx: ErrorContext | undefined): AppError {
  const status = num(err.statusCode);
  const details = isObject(err.details) ? err.details : undefined;
  const body = isObject(details?.error) ? (details.error as Obj) : details;
  const code = str(err.code) ?? str(body?.code);
  const message = str(body?.message) ?? str(err.message) ?? `HTTP ${status}`;
  const requestId =
    header(err.response, 'x-ms-request-id') ??
    header(err.response, 'x-ms-correlation-request-id') ??
    header(err.response, 'x-request-id');
  const base = {code, status, requestId};
  const op = ctx?.operation ?? 'complete the request';
  const subDetails = Array.isArray(body?.details)
    ? (body.details as unknown[])
        .filter(isObject)
        .map((d) => str(d.message))
        .filter((m): m is string => Boolean(m) && m !== message)
    : [];
  const detail = [message, ...subDetails].join(' ');

  const rbac = code ? roleError(code, message, detail, base) : undefined;
  if (rbac) return rbac;
  if (status === 401) {
    if (code === 'ExpiredAuthenticationToken') {
      // The fresh-token policy (fresh-token.ts) already asked for a new token and sent the
      // request again: this refusal means no fresh token could be had.
      return make('auth', 'Your sign-in has expired', detail, {
        ...base,
        hint: 'Resource Manager refused the management token as expired, and no fresh one could be had silently (sessions revoked, or the method cannot refresh).',
        nextSteps: [signInAgainStep(ctx?.method)],
        signInAgain: true,
      });
    }
    if (code === 'InvalidAuthenticationTokenTenant') {
      const tenant = /tenant '(?:https:\/\/[^/]+\/)?([^'/]+)\/?'/i.exec(message)?.[1];
      return make('auth', 'Signed in to the wrong tenant for this subscription', detail, {
        ...base,
        nextSteps: [
          tenant
            ? `Sign in again with tenant ${tenant}.`
            : 'Sign in again with the tenant that owns the subscription.',
        ],
      });
    }
    if (code === 'InvalidAuthenticationTokenAudience') {
      return make('auth', 'The token is for another service', detail, {
        ...base,
        hint: `Resource Manager needs a token for ${ctx?.cloud?.managementScope ?? 'its management scope'}.`,
        nextSteps: ["Check the cloud's managementScope, then sign in again."],
      });
    }
    return make('auth', `Can't ${op}: not signed in or the token was refused`, detail, {
      ...base,
      nextSteps: ['Sign in again.'],
    });
  }
  if (status === 403) return permissionDenied(code ?? '', message, base, ctx);
  if (status === 404) {
    return make('notFound', `Can't ${op}: not found`, detail, {
      ...base,
      nextSteps: [
        ctx?.scope
          ? `Check that ${ctx.scope} exists and the name is spelled right.`
          : 'Check the names and the subscription.',
        'It may have been deleted, or be in another subscription or tenant.',
      ],
    });
  }
  if (status === 409) {
    return make('conflict', `Can't ${op}: conflict`, detail, {
      ...base,
      hint: 'Another operation on this resource is in progress, or the resource already exists.',
      nextSteps: ['Wait for the current operation to finish, then try again.'],
    });
  }
  if (status === 429) {
    const after = header(err.response, 'retry-after');
    return make('throttled', `Can't ${op}: Azure is throttling requests`, detail, {
      ...base,
      hint: after ? `Azure asked to wait ${after} s.` : 'Too many requests in a short time.',
      nextSteps: ['Wait a moment and try again.'],
    });
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return make('invalid', `Azure rejected the request to ${op}`, detail, {
      ...base,
      nextSteps: ['Check the values given; the message above names the field.'],
    });
  }
  if (status !== undefined && status >= 500) {
    return make('unknown', `Can't ${op}: Azure had a server error`, detail, {
      ...base,
      nextSteps: [
        'Try again in a minute.',
        requestId
          ? `If it keeps failing, give request ID ${requestId} to Azure support.`
          : 'If it keeps failing, check https://status.azure.com.',
      ],
    });
  }
  return make('unknown', `Can't ${op}`, detail, {...base, nextSteps: ['Try again.']});
}

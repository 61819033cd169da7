/** Transport failures (DNS, refused or reset connections, timeouts, TLS) explained for a person. */
import type {AppError} from '../../domain/types';
import {hostOf, isObject, make, num, str, type ErrorContext, type Obj} from './helpers';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);
const REFUSED_CODES = new Set(['ECONNREFUSED']);
const FLAKY_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export function isTransportCode(code: string | undefined): boolean {
  return (
    code !== undefined &&
    (DNS_CODES.has(code) || REFUSED_CODES.has(code) || FLAKY_CODES.has(code) || TLS_CODES.has(code))
  );
}

/** A Node socket / DNS / TLS failure, reached directly or through `cause`. */
export function transportError(err: unknown): (Obj & {code: string}) | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && isObject(e); depth++) {
    const code = str(e.code);
    if (isTransportCode(code)) return e as Obj & {code: string};
    e = e.cause;
  }
  return undefined;
}

export function transport(err: Obj & {code: string}, ctx: ErrorContext | undefined): AppError {
  const code = err.code;
  const request = isObject(err.request) ? err.request : undefined;
  const host =
    hostOf(request?.url) ??
    ((str(err.hostname) ?? str(err.host))
      ? `${str(err.hostname) ?? str(err.host)}${num(err.port) ? `:${err.port}` : ''}`
      : undefined) ??
    (str(err.address) ? `${err.address}${num(err.port) ? `:${err.port}` : ''}` : undefined) ??
    ctx?.host ??
    'the server';
  const what = ctx?.operation ? `Couldn't ${ctx.operation}` : 'Network failure';
  const message = str(err.message) ?? code;
  const cloudName = ctx?.cloud?.name;
  const fileNote = ctx?.cloud?.file ? ` (${ctx.cloud.file})` : '';

  if (TLS_CODES.has(code)) {
    const nextSteps: string[] = [];
    let hint: string;
    if (ctx?.cloud?.caCertFile) {
      hint = `The CA in caCertFile (${ctx.cloud.caCertFile}) did not verify ${host}.`;
      nextSteps.push(
        `Check that caCertFile in the cloud file${fileNote} is the CA that signed ${host}'s certificate; a local cloud makes a new CA each time it starts, so a cloud file from an earlier run is stale.`,
      );
    } else if (ctx?.cloud?.custom) {
      hint = `Trust the CA that signed ${host}'s certificate with the caCertFile option of the cloud file${fileNote}.`;
      nextSteps.push(
        `Add "caCertFile": "<path to the CA PEM>" to the cloud file${fileNote}; it is trusted for this cloud only.`,
      );
    } else {
      hint = `${host} presented a certificate that the system's CAs do not trust (a TLS-inspecting proxy?).`;
      nextSteps.push(
        'If a corporate proxy re-signs TLS, use a custom cloud file with its CA as caCertFile, or give Node the CA with NODE_EXTRA_CA_CERTS.',
      );
    }
    nextSteps.push('Certificate checks are never switched off.');
    return make(
      'network',
      `${what}: the TLS certificate of ${host} is not trusted`,
      `${message} (${code})`,
      {code, hint, nextSteps},
    );
  }
  if (DNS_CODES.has(code)) {
    return make('network', `${what}: cannot resolve ${host}`, `${message} (${code})`, {
      code,
      hint: `The name ${host.replace(/:\d+$/, '')} does not resolve. Check the network, a proxy or VPN, and the cloud${cloudName ? ` (${cloudName})` : ''}.`,
      nextSteps: [
        'Check your network connection and DNS.',
        ctx?.cloud?.custom
          ? `Check the endpoints in the cloud file${fileNote}.`
          : 'If you meant a sovereign or custom cloud, choose it with --cloud.',
      ],
    });
  }
  if (REFUSED_CODES.has(code)) {
    return make('network', `${what}: nothing answers at ${host}`, `${message} (${code})`, {
      code,
      hint: `The connection to ${host} was refused.`,
      nextSteps: [
        ctx?.cloud?.custom
          ? `If the cloud in ${ctx.cloud.file ?? 'the cloud file'} is a local one, start it and try again; its port may have changed.`
          : 'Check your network, proxy and firewall, then try again.',
      ],
    });
  }
  return make('network', `${what}: the connection to ${host} failed`, `${message} (${code})`, {
    code,
    hint: 'The network dropped or timed out the connection.',
    nextSteps: ['Try again; if it keeps failing, check your network, proxy or VPN.'],
  });
}

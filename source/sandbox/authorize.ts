/**
 * The browser sign-in of the sandbox's Entra: the authorization code grant with PKCE, as the v2
 * endpoint does it for a public client such as the one MSAL Node's interactive sign-in is.
 *
 * `GET /{tenant}/oauth2/v2.0/authorize` checks the client and the redirect (a loopback
 * `http://localhost[:port]` or `http://127.0.0.1[:port]`, what MSAL Node listens on); with a bad
 * one there is nobody to send an error to, so the answer is an error page with the AADSTS text.
 * Past that, errors go back to the redirect (`error`, `error_description`, `state`), as Entra does.
 * A person picks the sandbox user on a small page (`POST` of the same URL); a sandbox started
 * with auto-approve answers at once as that user (or the `login_hint` user). The answer reaches
 * the redirect in the response mode asked for: `query` (a 302, the default for code) or
 * `form_post` (a page that posts the fields to the redirect, what MSAL Node 3+ asks for).
 *
 * `POST …/token` with `grant_type=authorization_code` redeems a code once, within its short
 * lifetime, from the same client and redirect, with the `code_verifier` whose S256 hash is the
 * challenge (AADSTS501481 when it is not).
 */
import {createHash, randomBytes, timingSafeEqual} from 'node:crypto';
import type {AuthorizationCodeGrant, SandboxContext} from './context';
import {type Exchange, parseForm} from './http';
import {principalById} from './rbac';
import type {Principal} from './world';
import {renderAuthorizeError, renderAuthorizePage, renderFormPost} from './authorize-page';
import {issueTokens, OAuthError, resourceOf, splitScopes} from './identity';
import {newGuid} from './util';

/** Entra's authorization codes live about ten minutes. */
export const AUTHORIZATION_CODE_SECONDS = 600;
const RESPONSE_MODES = new Set(['query', 'form_post', 'fragment']);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The fields the authorize request carries from the sign-in page's form back to its POST. */
const CARRIED = [
  'client_id',
  'response_type',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'response_mode',
  'prompt',
  'login_hint',
  'client_info',
] as const;

/** A loopback redirect as RFC 8252 and Entra allow for public clients: http, any port. */
export function isLoopbackRedirect(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && !url.hash;
}

interface Redirect {
  uri: string;
  mode: string;
  state: string | null;
}

/** `/{tenant}/oauth2/v2.0/authorize`: the sign-in page (GET) and its answer (POST). */
export async function authorize(
  ctx: SandboxContext,
  ex: Exchange,
  tenantId: string,
): Promise<void> {
  if (ex.method !== 'GET' && ex.method !== 'HEAD' && ex.method !== 'POST') {
    ex.send(405, 'Method not allowed', {
      'content-type': 'text/plain; charset=utf-8',
      allow: 'GET, POST',
    });
    return;
  }
  const posted = ex.method === 'POST';
  // The page's form posts to the same URL: its fields, over the query's.
  const params = new URLSearchParams(ex.url.searchParams);
  if (posted) for (const [k, v] of parseForm(await ex.body(16 * 1024))) params.set(k, v);

  // Without a client or a redirect to trust, the error stays on Entra's own page.
  const clientId = params.get('client_id');
  if (!clientId) {
    return errorPage(
      ctx,
      ex,
      new OAuthError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'client_id'.",
      ),
    );
  }
  const redirectUri = params.get('redirect_uri') ?? '';
  if (!isLoopbackRedirect(redirectUri)) {
    return errorPage(
      ctx,
      ex,
      new OAuthError(
        400,
        'invalid_request',
        50011,
        `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. The sandbox's public clients accept a loopback redirect only: http://localhost[:port] or http://127.0.0.1[:port].`,
      ),
    );
  }
  const responseMode = params.get('response_mode') ?? 'query';
  const redirect: Redirect = {
    uri: redirectUri,
    mode: RESPONSE_MODES.has(responseMode) ? responseMode : 'query',
    state: params.get('state'),
  };

  try {
    if (!RESPONSE_MODES.has(responseMode)) {
      throw new OAuthError(
        400,
        'invalid_request',
        900180,
        `The response_mode '${responseMode}' is not supported; use query, fragment or form_post.`,
      );
    }
    const responseType = params.get('response_type');
    if (responseType !== 'code') {
      throw new OAuthError(
        400,
        'unsupported_response_type',
        700054,
        `The response_type '${responseType ?? ''}' is not supported by the sandbox; use code.`,
      );
    }
    const scopes = splitScopes(params.get('scope'));
    resourceOf(scopes);
    const challenge = params.get('code_challenge') ?? undefined;
    const method = params.get('code_challenge_method') ?? (challenge ? 'plain' : undefined);
    if (method !== undefined && method !== 'S256' && method !== 'plain') {
      throw new OAuthError(
        400,
        'invalid_request',
        50149,
        'Invalid Code_Challenge_method parameter.',
      );
    }
    if (challenge !== undefined && !/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge)) {
      throw new OAuthError(
        400,
        'invalid_request',
        501491,
        'Invalid size of Code_Challenge parameter.',
      );
    }

    const users = ctx.world.principals.filter((p) => p.kind === 'user');
    const hinted = hintedUser(users, params.get('login_hint'));
    let principal: Principal | undefined;
    if (posted) {
      if (params.get('action') === 'decline') {
        throw new OAuthError(
          400,
          'access_denied',
          65004,
          'User declined to consent to access the app.',
        );
      }
      principal = users.find((u) => u.objectId === params.get('principal'));
      if (!principal) {
        ex.send(
          400,
          renderAuthorizePage({
            users,
            fields: carried(params),
            selected: hinted?.objectId,
            error: 'Choose who signs in.',
          }),
          HTML,
        );
        return;
      }
    } else if (ctx.autoApprove) {
      principal = hinted ?? ctx.autoApprove;
    } else if (params.get('prompt') === 'none') {
      throw new OAuthError(
        400,
        'login_required',
        50058,
        'A silent sign-in request was sent but no user is signed in.',
      );
    } else {
      ex.send(
        200,
        renderAuthorizePage({users, fields: carried(params), selected: hinted?.objectId}),
        HTML,
      );
      return;
    }

    const code = randomBytes(48).toString('base64url');
    const grant: AuthorizationCodeGrant = {
      code,
      clientId,
      tenantId,
      redirectUri,
      scopes,
      codeChallenge: challenge,
      codeChallengeMethod: challenge ? (method as 'S256' | 'plain') : undefined,
      principalId: principal.objectId,
      expiresAt: ctx.clock.now() + AUTHORIZATION_CODE_SECONDS * 1000,
      redeemed: false,
    };
    pruneCodes(ctx);
    ctx.authorizationCodes.set(code, grant);
    answer(ex, redirect, {code, state: redirect.state ?? undefined});
  } catch (caught) {
    if (!(caught instanceof OAuthError)) throw caught;
    answer(ex, redirect, {
      error: caught.error,
      error_description: `AADSTS${caught.aadsts}: ${caught.message} Trace ID: ${newGuid()} Correlation ID: ${newGuid()} Timestamp: ${timestamp(ctx)}`,
      state: redirect.state ?? undefined,
    });
  }
}

const HTML = {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store'};

function carried(params: URLSearchParams): [string, string][] {
  return CARRIED.flatMap((name) => {
    const v = params.get(name);
    return v === null ? [] : [[name, v] as [string, string]];
  });
}

function hintedUser(users: Principal[], hint: string | null): Principal | undefined {
  if (!hint) return undefined;
  const h = hint.toLowerCase();
  return users.find((u) => u.name.toLowerCase() === h);
}

const timestamp = (ctx: SandboxContext) =>
  new Date(ctx.clock.now()).toISOString().replace('T', ' ').slice(0, 19) + 'Z';

/** Sends the outcome to the redirect in its response mode. */
function answer(
  ex: Exchange,
  redirect: Redirect,
  fields: Record<string, string | undefined>,
): void {
  const entries = Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined);
  if (redirect.mode === 'form_post') {
    ex.send(200, renderFormPost(redirect.uri, entries), HTML);
    return;
  }
  const url = new URL(redirect.uri);
  const encoded = new URLSearchParams(entries);
  if (redirect.mode === 'fragment') url.hash = encoded.toString();
  else for (const [k, v] of entries) url.searchParams.append(k, v);
  ex.send(302, '', {location: url.toString(), 'cache-control': 'no-store'});
}

function errorPage(ctx: SandboxContext, ex: Exchange, err: OAuthError): void {
  ex.send(
    err.status,
    renderAuthorizeError(`AADSTS${err.aadsts}: ${err.message}`, timestamp(ctx)),
    HTML,
  );
}

/** Codes past their lifetime are forgotten (a redeemed one is kept until then, to say so). */
function pruneCodes(ctx: SandboxContext): void {
  const now = ctx.clock.now();
  for (const [code, grant] of ctx.authorizationCodes)
    if (grant.expiresAt + AUTHORIZATION_CODE_SECONDS * 1000 < now)
      ctx.authorizationCodes.delete(code);
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token endpoint's `grant_type=authorization_code`. */
export function authorizationCodeGrant(
  ctx: SandboxContext,
  params: URLSearchParams,
  clientId: string,
  issuer?: string,
) {
  const code = params.get('code');
  if (!code) {
    throw new OAuthError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'code'.",
    );
  }
  const grant = ctx.authorizationCodes.get(code);
  if (!grant || grant.clientId !== clientId) {
    throw new OAuthError(
      400,
      'invalid_grant',
      70000,
      'Provided grant is invalid or malformed: the authorization code is unknown or was issued to another client.',
    );
  }
  if (grant.redeemed) {
    throw new OAuthError(
      400,
      'invalid_grant',
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
    );
  }
  if (grant.expiresAt <= ctx.clock.now()) {
    ctx.authorizationCodes.delete(code);
    throw new OAuthError(
      400,
      'invalid_grant',
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    );
  }
  // One try: a code whose redemption failed cannot be tried again.
  grant.redeemed = true;
  if ((params.get('redirect_uri') ?? '') !== grant.redirectUri) {
    throw new OAuthError(
      400,
      'invalid_grant',
      50011,
      `The redirect URI '${params.get('redirect_uri') ?? ''}' does not match the redirect URI '${grant.redirectUri}' the authorization code was issued for.`,
    );
  }
  if (grant.codeChallenge) {
    const verifier = params.get('code_verifier') ?? '';
    const computed = grant.codeChallengeMethod === 'S256' ? s256(verifier) : verifier;
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) || !sameText(computed, grant.codeChallenge)) {
      throw new OAuthError(
        400,
        'invalid_grant',
        501481,
        'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
      );
    }
  }
  const principal = principalById(ctx.world, grant.principalId);
  if (!principal) {
    throw new OAuthError(
      400,
      'invalid_grant',
      50034,
      'The user account does not exist in the directory.',
    );
  }
  const asked = splitScopes(params.get('scope'));
  return issueTokens(
    ctx,
    principal,
    clientId,
    grant.tenantId,
    asked.length ? asked : grant.scopes,
    true,
    issuer,
  );
}

/** Entra ID sign-in failures (AADSTS codes and OAuth errors) explained for a person. */
import type {AppError} from '../../domain/types';
import {
  firstLine,
  hostOf,
  isObject,
  make,
  num,
  signInAgainStep,
  str,
  type ErrorContext,
  type Obj,
} from './helpers';

interface AadFailure {
  title: string;
  hint?: string;
  nextSteps: string[];
  kind?: AppError['kind'];
}

const OAUTH_TO_AADSTS: Record<string, number> = {
  authorization_declined: 70019,
  expired_token: 70020,
  bad_verification_code: 70018,
  access_denied: 65004,
  login_required: 50058,
};

function aadFailure(aadsts: number | undefined, oauth: string | undefined, ctx?: ErrorContext) {
  const code = aadsts ?? (oauth ? OAUTH_TO_AADSTS[oauth] : undefined);
  const tenant = 'Check the tenant ID (a GUID or a domain such as contoso.onmicrosoft.com).';
  const again = signInAgainStep(ctx?.method);
  const table: Record<number, AadFailure> = {
    7000215: {
      title: 'The client secret is wrong',
      hint: "Use the secret's value, not its ID (Certificates & secrets in the app registration).",
      nextSteps: [
        'Check the client secret value for this app registration.',
        'If it was lost or rotated, create a new secret and use that.',
      ],
    },
    7000222: {
      title: 'The client secret has expired',
      nextSteps: ['Create a new client secret for the app registration and sign in with it.'],
    },
    700016: {
      title: 'The application was not found in this tenant',
      hint: 'The client (application) ID is unknown in the tenant you signed in to.',
      nextSteps: ['Check the client ID.', tenant],
    },
    90002: {
      title: 'The tenant was not found',
      hint: `The tenant does not exist in ${ctx?.cloud?.name ?? 'this cloud'}.`,
      nextSteps: [tenant, 'Check that you chose the right cloud (--cloud).'],
    },
    900023: {
      title: 'The tenant ID is not valid',
      nextSteps: [tenant],
    },
    70020: {
      title: 'The device code expired before it was used',
      nextSteps: ['Start the device-code sign-in again and enter the new code within 15 minutes.'],
    },
    70019: {
      title: 'The sign-in request was declined',
      nextSteps: ['Start the sign-in again and approve it in the browser.'],
    },
    70018: {
      title: 'The device code was not recognised',
      nextSteps: ['Start the device-code sign-in again.'],
    },
    65004: {
      title: 'The sign-in was cancelled in the browser',
      nextSteps: [
        'Start the sign-in again and finish it in the browser.',
        'Or sign in with a device code, which works from any browser.',
      ],
    },
    50058: {
      title: 'No one is signed in in the browser',
      nextSteps: ['Start the sign-in again and sign in in the browser.'],
    },
    70008: {
      title: 'The browser sign-in took too long',
      hint: 'Its authorization code expired before it was redeemed.',
      nextSteps: ['Start the sign-in again.'],
    },
    54005: {
      title: 'The browser sign-in was already used',
      nextSteps: ['Start the sign-in again.'],
    },
    501481: {
      title: 'The browser sign-in could not be verified (PKCE)',
      hint: 'The code_verifier did not match the code_challenge of the authorization request.',
      nextSteps: ['Start the sign-in again.'],
    },
    50011: {
      title: 'The redirect URI is not registered for this application',
      hint: 'Browser sign-in redirects to http://localhost:PORT, which the app registration must allow (Mobile and desktop applications).',
      nextSteps: [
        'Add http://localhost as a redirect URI of the app registration, or use a device code.',
      ],
    },
    50034: {
      title: 'The user account does not exist in this tenant',
      nextSteps: ['Sign in with an account of this tenant, or choose the tenant of your account.'],
    },
    50126: {
      title: 'The user name or password is wrong',
      nextSteps: ['Sign in again with the right credentials.'],
    },
    50076: {
      title: 'Multi-factor authentication is required',
      nextSteps: ['Sign in with the device code or the browser, which can complete MFA.'],
    },
    50079: {
      title: 'Multi-factor authentication registration is required',
      nextSteps: ['Sign in with the browser to register MFA.'],
    },
    53003: {
      title: 'Blocked by a Conditional Access policy',
      nextSteps: ['Ask your tenant administrator which sign-in is allowed from this device.'],
    },
    65001: {
      title: 'Consent is needed for this application',
      nextSteps: ['Ask an administrator to grant consent to the application in the tenant.'],
    },
    700027: {
      title: 'The client certificate was not accepted',
      hint: 'The certificate does not match one registered for the application.',
      nextSteps: [
        'Upload the public certificate to the app registration, or use the matching certificate file.',
      ],
    },
    700024: {
      title: 'The client assertion is not within its valid time range',
      nextSteps: ["Check this machine's clock."],
    },
    70011: {
      title: 'The requested scope is not valid',
      nextSteps: ['Check managementScope and mlScope for this cloud.'],
    },
    500011: {
      title: 'The resource is not known in this tenant',
      hint: 'The scope names a resource that this tenant does not have: a scope from another cloud?',
      nextSteps: ['Check the cloud (--cloud) and its managementScope / mlScope.'],
    },
    9002313: {
      title: 'Your saved sign-in is no longer valid',
      nextSteps: [again],
    },
    700082: {
      title: 'Your sign-in has expired',
      hint: 'The refresh token expired after a long time unused.',
      nextSteps: [again],
    },
    70043: {
      title: 'Your sign-in has expired (Conditional Access sign-in frequency)',
      nextSteps: [again],
    },
    50173: {
      title: 'Your sign-in was revoked',
      hint: 'Your sign-in sessions were revoked (or your password changed): the saved sign-in can no longer get tokens.',
      nextSteps: [again],
    },
  };
  return {
    aadsts: code,
    known: code !== undefined ? table[code] : undefined,
  };
}

interface OAuthParts {
  oauth?: string;
  aadsts?: number;
  description: string;
  correlationId?: string;
}

/** Reads an Entra error from an AuthenticationError's `errorResponse` or an MSAL message. */
function oauthParts(err: Obj): OAuthParts {
  const response = isObject(err.errorResponse) ? err.errorResponse : undefined;
  const message = str(err.message) ?? '';
  const description =
    str(response?.errorDescription) ?? /Description:\s*(.*)$/s.exec(message)?.[1] ?? message;
  const codes = Array.isArray(response?.errorCodes) ? (response.errorCodes as unknown[]) : [];
  const fromText = /AADSTS(\d+)/.exec(description) ?? /AADSTS(\d+)/.exec(message);
  const fromList = /Error\(s\):\s*(\d+)/.exec(message);
  const aadsts =
    num(codes[0]) ?? (fromText ? Number(fromText[1]) : fromList ? Number(fromList[1]) : undefined);
  let oauth = str(response?.error);
  if (!oauth) {
    const m = /^([a-z_]+):\s*(?:Error\(s\)|([a-z_]+)\s*$)/.exec(message);
    oauth = m ? (m[1] === 'post_request_failed' && m[2] ? m[2] : m[1]) : undefined;
  }
  const correlationId =
    str(response?.correlationId) ?? /Correlation ID:\s*([0-9a-f-]{36})/i.exec(message)?.[1];
  return {
    ...(oauth ? {oauth} : {}),
    ...(aadsts !== undefined ? {aadsts} : {}),
    description: firstLine(description.replace(/^AADSTS\d+:\s*/, '')) || message,
    ...(correlationId ? {correlationId} : {}),
  };
}

/** Codes after which no token comes without a person signing in again. */
const SIGN_IN_AGAIN = new Set([50173, 700082, 9002313, 70043, 50058, 50076, 50079]);

/**
 * A refused refresh (invalid_grant), an interaction MSAL says is required, or one of the codes
 * above: the saved sign-in is spent.
 */
function needsSignIn(aadsts: number | undefined, oauth: string | undefined, err: Obj): boolean {
  if (aadsts !== undefined && SIGN_IN_AGAIN.has(aadsts)) return true;
  if (oauth === 'invalid_grant' || oauth === 'interaction_required' || oauth === 'login_required')
    return true;
  return err.name === 'AuthenticationRequiredError' || err.name === 'InteractionRequiredAuthError';
}

export function entra(err: Obj, ctx: ErrorContext | undefined): AppError {
  const parts = oauthParts(err);
  const {aadsts, known} = aadFailure(parts.aadsts, parts.oauth, ctx);
  const code = aadsts !== undefined ? `AADSTS${aadsts}` : parts.oauth;
  const status = num(err.statusCode);
  if (!known && status !== undefined && (status === 429 || status >= 500)) {
    // The service, not the sign-in details: throttled or failing after the SDK's own retries.
    const host = hostOf(ctx?.cloud?.authorityHost) ?? 'the sign-in service';
    const throttled = status === 429;
    return make(
      throttled ? 'throttled' : 'unknown',
      throttled
        ? `Microsoft Entra ID at ${host} is throttling sign-ins (429)`
        : `Microsoft Entra ID at ${host} failed (${status})`,
      parts.description,
      {
        code,
        status,
        requestId: parts.correlationId,
        hint: throttled
          ? 'Too many token requests in a short time; the sign-in details are not the problem.'
          : 'The sign-in service had an error; the sign-in details are not the problem.',
        nextSteps: ['Wait a moment and try again.'],
      },
    );
  }
  const title = known?.title ?? `Sign-in failed${ctx?.operation ? ` (${ctx.operation})` : ''}`;
  return make(known?.kind ?? 'auth', title, parts.description, {
    ...(needsSignIn(aadsts, parts.oauth, err) ? {signInAgain: true as const} : {}),
    code,
    status: status && status > 0 ? status : undefined,
    requestId: parts.correlationId,
    hint: known?.hint,
    nextSteps: known?.nextSteps ?? [
      'Check the sign-in details (tenant, client ID, secret or certificate) and try again.',
    ],
  });
}

/** A credential that cannot be used here (CredentialUnavailableError) explained for a person. */
import type {AppError} from '../../domain/types';
import {firstLine, make, str, type ErrorContext, type Obj} from './helpers';

export function unavailable(err: Obj, ctx: ErrorContext | undefined): AppError {
  const out = explain(err, ctx);
  // A method that signed in before and now has nothing (az logged out, the environment
  // changed): signing in again — after fixing that — is what is left.
  return ctx?.signedIn ? {...out, signInAgain: true} : out;
}

function explain(err: Obj, ctx: ErrorContext | undefined): AppError {
  const message = str(err.message) ?? 'The credential is not available.';
  const other = 'Or choose another sign-in method (device code works everywhere).';
  if (/Azure CLI could not be found|az: not found|'az' is not recognized/i.test(message)) {
    return make('auth', 'The Azure CLI is not installed', firstLine(message), {
      code: 'AzureCliNotFound',
      hint: 'Signing in "with the Azure CLI" reuses an `az login` session.',
      nextSteps: ['Install the Azure CLI (https://aka.ms/azure-cli) and run `az login`.', other],
    });
  }
  if (/az login|az account|not logged in/i.test(message)) {
    const custom = ctx?.cloud?.custom
      ? ' (for a custom cloud, `az cloud register` it and `az cloud set` first)'
      : '';
    return make('auth', 'The Azure CLI is not signed in', firstLine(message), {
      code: 'AzureCliNotLoggedIn',
      nextSteps: [`Run \`az login\`${custom}, then sign in again here.`, other],
    });
  }
  if (/endpoints_resolution_error/.test(message)) {
    const authority = ctx?.cloud?.authorityHost ?? 'the sign-in authority';
    return make('auth', `Couldn't reach the sign-in service at ${authority}`, firstLine(message), {
      code: 'endpoints_resolution_error',
      hint: 'The authority, the tenant, the network or TLS trust is wrong.',
      nextSteps: [
        'Check the tenant ID and the cloud (--cloud).',
        'Check the network and, for a custom cloud, its caCertFile.',
      ],
    });
  }
  if (/EnvironmentCredential/i.test(message)) {
    return make('auth', 'The environment holds no service principal', firstLine(message), {
      code: 'EnvironmentCredentialUnavailable',
      nextSteps: [
        'Set AZURE_TENANT_ID and AZURE_CLIENT_ID, plus AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH.',
        other,
      ],
    });
  }
  if (/ManagedIdentityCredential|IMDS|managed identity/i.test(message)) {
    return make('auth', 'No managed identity is available here', firstLine(message), {
      code: 'ManagedIdentityUnavailable',
      hint: 'A managed identity exists only on Azure compute (a VM, App Service, a container, …).',
      nextSteps: [
        'Run on Azure compute with a managed identity, or give the client ID of a user-assigned identity.',
        other,
      ],
    });
  }
  return make('auth', 'This sign-in method is not available', firstLine(message), {
    code: 'CredentialUnavailable',
    nextSteps: [other],
  });
}

/**
 * Online endpoint auth modes: Azure's wire values (`Key`, `AMLToken`, `AADToken`) and the names
 * users see (`key`, `aml_token`, `aad_token`, as in the Azure CLI and docs).
 */
import {resourceOfScope} from './scopes';
import type {AuthMode, AuthModeWire, CloudConfig} from './types';

export const AUTH_MODES: readonly AuthMode[] = ['key', 'aml_token', 'aad_token'];

const TO_WIRE: Record<AuthMode, AuthModeWire> = {
  key: 'Key',
  aml_token: 'AMLToken',
  aad_token: 'AADToken',
};

export function toWireAuthMode(mode: AuthMode): AuthModeWire {
  return TO_WIRE[mode];
}

/** Either spelling, any case (`aml_token`, `AMLToken`, `amltoken`); undefined when unknown. */
export function parseAuthMode(value: string): AuthMode | undefined {
  const wanted = value.trim().toLowerCase().replace(/[_-]/g, '');
  return AUTH_MODES.find(
    (m) => m.replace(/_/g, '') === wanted || TO_WIRE[m].toLowerCase() === wanted,
  );
}

/** A wire value from Resource Manager. Throws on a value this app does not know. */
export function fromWireAuthMode(wire: string): AuthMode {
  const mode = AUTH_MODES.find((m) => TO_WIRE[m].toLowerCase() === wire.trim().toLowerCase());
  if (!mode)
    throw new Error(`unknown endpoint auth mode '${wire}' (expected Key, AMLToken or AADToken)`);
  return mode;
}

export interface AuthModeInfo {
  mode: AuthMode;
  wire: AuthModeWire;
  label: string;
  /** One line: what a caller sends and what it must take care of. */
  explanation: string;
}

/** What each mode means for the callers of an endpoint, in the words of the given cloud. */
export function describeAuthMode(
  mode: AuthMode,
  cloud?: Pick<CloudConfig, 'mlScope'>,
): AuthModeInfo {
  const audience = resourceOfScope(cloud?.mlScope ?? 'https://ml.azure.com/.default');
  const text: Record<AuthMode, [string, string]> = {
    key: [
      'Key',
      'Callers send one of two static keys; keys never expire, so rotate them (regenerate one while callers use the other).',
    ],
    aml_token: [
      'Azure ML token',
      "Callers send an Azure ML token from the endpoint's token API; it expires (about a day) and must be refreshed.",
    ],
    aad_token: [
      'Microsoft Entra token',
      `Callers send their own Entra token for ${audience} and need the score permission on the endpoint; managed endpoints only.`,
    ],
  };
  const [label, explanation] = text[mode];
  return {mode, wire: TO_WIRE[mode], label, explanation};
}

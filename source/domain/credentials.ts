import {shellQuote} from '../lib/shell';
import type {ScoringCredential} from './types';

/** `••••1a2b`: enough to tell two secrets apart, never enough to use one. */
export function mask(secret: string): string {
  return secret.length <= 8 ? '••••' : `••••${secret.slice(-4)}`;
}

/**
 * When a token should be refreshed: at its refresh-after time when the service gives one,
 * else when 10% of a 1-hour-ish lifetime (at most 5 minutes) is left. Keys never need it.
 */
export function refreshDueAt(c: ScoringCredential, issuedAt?: number): number | undefined {
  if (c.kind === 'key' || c.expiresOn === undefined) return undefined;
  if (c.refreshAfter !== undefined) return c.refreshAfter;
  const lifetime = issuedAt !== undefined ? c.expiresOn - issuedAt : 3_600_000;
  return c.expiresOn - Math.min(5 * 60_000, lifetime * 0.1);
}

/** Usable for a request now: keys always; tokens until a few seconds before they expire. */
export function isUsable(c: ScoringCredential | undefined, now: number): c is ScoringCredential {
  if (!c) return false;
  return c.expiresOn === undefined || c.expiresOn - now > 5_000;
}

/** `export SCORING_URI='…'` / `export DATA_PLANE_TOKEN='…'`, quoted for bash and zsh. */
export function exportLines(scoringUri: string, credential: string): string[] {
  return [
    `export SCORING_URI=${shellQuote(scoringUri)}`,
    `export DATA_PLANE_TOKEN=${shellQuote(credential)}`,
  ];
}

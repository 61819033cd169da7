import type {Surface} from './http';
import {parseDuration} from './duration';

export type FaultKind =
  | {type: 'status'; status: 429 | 500 | 503; retryAfterSeconds: number}
  | {type: 'latency'; ms: number}
  | {type: 'drop'};

export interface FaultRule {
  surface: Exclude<Surface, 'admin'> | 'all';
  fault: FaultKind;
  /** Chance per request, 0..1 (default 1). */
  rate: number;
  /** How many more requests it applies to; undefined = no limit. */
  remaining?: number;
  /** The text it was parsed from, for listing. */
  spec: string;
}

const SURFACES = new Set(['identity', 'arm', 'scoring', 'logs', 'all']);

/**
 * Parses a fault spec: comma-separated rules `SURFACE:FAULT[:OPTION…]`, where SURFACE is identity,
 * arm, scoring, logs (the Log Analytics query API) or all; FAULT is 429, 500, 503, drop or latency=DURATION; and OPTION is rate=0..1,
 * next=N or retry-after=SECONDS. Examples: `arm:429:next=2`, `scoring:latency=300ms:rate=0.5`.
 */
export function parseFaults(spec: string): FaultRule[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseRule);
}

function parseRule(text: string): FaultRule {
  const [surface, fault, ...options] = text.split(':');
  if (!surface || !SURFACES.has(surface)) {
    throw new Error(`fault '${text}': the surface must be identity, arm, scoring, logs or all`);
  }
  if (!fault)
    throw new Error(`fault '${text}': name a fault (429, 500, 503, drop, latency=DURATION)`);
  let retryAfterSeconds = 1;
  let rate = 1;
  let remaining: number | undefined;
  for (const option of options) {
    const [key, value = ''] = option.split('=');
    if (key === 'rate') {
      rate = Number(value);
      if (!(rate >= 0 && rate <= 1))
        throw new Error(`fault '${text}': rate must be between 0 and 1`);
    } else if (key === 'next') {
      remaining = Number(value);
      if (!Number.isInteger(remaining) || remaining < 1) {
        throw new Error(`fault '${text}': next must be a whole number of requests`);
      }
    } else if (key === 'retry-after') {
      retryAfterSeconds = Number(value);
      if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0) {
        throw new Error(`fault '${text}': retry-after must be whole seconds`);
      }
    } else {
      throw new Error(`fault '${text}': unknown option '${key}' (rate=, next=, retry-after=)`);
    }
  }
  let kind: FaultKind;
  if (fault === '429' || fault === '500' || fault === '503') {
    kind = {type: 'status', status: Number(fault) as 429 | 500 | 503, retryAfterSeconds};
  } else if (fault === 'drop') {
    kind = {type: 'drop'};
  } else if (fault.startsWith('latency=')) {
    kind = {type: 'latency', ms: parseDuration(fault.slice('latency='.length))};
  } else {
    throw new Error(
      `fault '${text}': unknown fault '${fault}' (429, 500, 503, drop, latency=DURATION)`,
    );
  }
  return {surface: surface as FaultRule['surface'], fault: kind, rate, remaining, spec: text};
}

/** Holds the active rules; a seeded generator keeps rate-based faults reproducible. */
export class FaultInjector {
  private rules: FaultRule[] = [];
  private seed = 0x2f6b_a3c1;

  set(rules: FaultRule[]): void {
    this.rules = rules;
  }

  list(): FaultRule[] {
    return this.rules.filter((r) => r.remaining === undefined || r.remaining > 0);
  }

  /** The faults that fire for this request (at most one latency and one terminal fault). */
  pick(surface: Exclude<Surface, 'admin'>): FaultKind[] {
    const fired: FaultKind[] = [];
    for (const rule of this.rules) {
      if (rule.surface !== 'all' && rule.surface !== surface) continue;
      if (rule.remaining !== undefined && rule.remaining <= 0) continue;
      if (rule.rate < 1 && this.random() >= rule.rate) continue;
      const terminal = rule.fault.type !== 'latency';
      if (terminal && fired.some((f) => f.type !== 'latency')) continue;
      if (!terminal && fired.some((f) => f.type === 'latency')) continue;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      fired.push(rule.fault);
    }
    return fired;
  }

  private random(): number {
    // mulberry32
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/**
 * How long the sandbox waits for a slow client (source/sandbox/index.ts passes these to Node's
 * HTTPS server). Node enforces headersTimeout and requestTimeout only when it checks its
 * connections, every connectionsCheckingInterval (30 s by default): the sandbox checks every
 * second, so a client that trickles its request is cut off close to the limit.
 */
export interface SlowClientOptions {
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  connectionsCheckingIntervalMs?: number;
}

/** The slow-client limits a sandbox runs with when its options do not say. */
export const SLOW_CLIENT_DEFAULTS = {
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 120_000,
  connectionsCheckingIntervalMs: 1_000,
} as const;

/** The three slow-client limits, checked as Node checks them (headers within the request's). */
export function slowClientLimits(options: SlowClientOptions) {
  const limits = {
    headersTimeout: options.headersTimeoutMs ?? SLOW_CLIENT_DEFAULTS.headersTimeoutMs,
    requestTimeout: options.requestTimeoutMs ?? SLOW_CLIENT_DEFAULTS.requestTimeoutMs,
    connectionsCheckingInterval:
      options.connectionsCheckingIntervalMs ?? SLOW_CLIENT_DEFAULTS.connectionsCheckingIntervalMs,
  };
  for (const [name, ms] of Object.entries(limits)) {
    if (!Number.isFinite(ms) || ms <= 0) throw new Error(`${name} must be a positive duration`);
  }
  if (limits.headersTimeout > limits.requestTimeout) {
    throw new Error('the headers timeout must not be longer than the request timeout');
  }
  return limits;
}

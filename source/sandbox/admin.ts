import {timingSafeEqual} from 'node:crypto';
import type {SandboxContext} from './context';
import {parseDuration} from './duration';
import {parseFaults} from './faults';
import type {Exchange} from './http';
import {decideDeviceCode} from './identity';
import type {Principal} from './world';

/** The operations the admin API offers; the in-process handle calls the same functions. */
export interface SandboxAdmin {
  approveDeviceCode(userCode: string, principal?: string): void;
  declineDeviceCode(userCode: string): void;
  pendingDeviceCodes(): {userCode: string; clientId: string; scopes: string[]; expiresAt: string}[];
  setFaults(spec: string): void;
  advanceClock(ms: number): void;
  /**
   * The next `count` long-running creates and updates (endpoints and deployments) end `Failed`
   * with `error` (default: InternalServerError), the resource left `Failed` as Azure leaves it.
   */
  failNextOperations(count: number, error?: {code?: string; message?: string}): void;
  /**
   * Revokes a user's sign-in sessions, as Graph's `revokeSignInSessions` (`az ad user
   * revoke-sign-in-sessions`) does: refresh tokens issued before now are refused (AADSTS50173);
   * access tokens already issued stay valid until they expire. Returns the user's object ID.
   */
  revokeSignInSessions(user: string): string;
  reset(): void;
}

export function findPrincipal(ctx: SandboxContext, nameOrId: string): Principal | undefined {
  const wanted = nameOrId.toLowerCase();
  return ctx.world.principals.find(
    (p) =>
      p.name.toLowerCase() === wanted ||
      p.objectId === wanted ||
      p.clientId === wanted ||
      p.name.split('@')[0]!.toLowerCase() === wanted,
  );
}

export function createAdmin(ctx: SandboxContext, reset: () => void): SandboxAdmin {
  return {
    approveDeviceCode(userCode, principal = 'owner') {
      const p = findPrincipal(ctx, principal);
      if (!p) throw new Error(`no principal '${principal}'`);
      decideDeviceCode(ctx, userCode, {approve: true, principal: p});
    },
    declineDeviceCode(userCode) {
      decideDeviceCode(ctx, userCode, {approve: false});
    },
    pendingDeviceCodes() {
      const now = ctx.clock.now();
      return [...ctx.deviceCodes.values()]
        .filter((g) => g.status === 'pending' && g.expiresAt > now)
        .map((g) => ({
          userCode: g.userCode,
          clientId: g.clientId,
          scopes: g.scopes,
          expiresAt: new Date(g.expiresAt).toISOString(),
        }));
    },
    setFaults(spec) {
      ctx.faults.set(parseFaults(spec));
    },
    advanceClock(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('the clock only moves forward');
      ctx.clock.advance(ms);
    },
    failNextOperations(count, error = {}) {
      if (!Number.isInteger(count) || count < 0) throw new Error('count is a whole number');
      ctx.failingOperations = {
        count,
        error: {
          code: error.code ?? 'InternalServerError',
          message:
            error.message ??
            'The operation failed in the service (injected by the sandbox admin API).',
        },
      };
    },
    revokeSignInSessions(user) {
      const p = findPrincipal(ctx, user);
      if (!p || p.kind !== 'user') throw new Error(`no sandbox user '${user}'`);
      revokeSessions(ctx, p);
      return p.objectId;
    },
    reset,
  };
}

/** The user's TokensValidFrom becomes now: refresh tokens issued before it stop working. */
export function revokeSessions(ctx: SandboxContext, user: Principal): void {
  ctx.tokensValidFrom.set(user.objectId, ctx.clock.now());
}

function authorized(ctx: SandboxContext, ex: Exchange): boolean {
  const given = Buffer.from(ex.header('x-sandbox-admin') ?? '');
  const expected = Buffer.from(ctx.adminToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function jsonBody(ex: Exchange): Promise<Record<string, unknown>> {
  const text = (await ex.body(64 * 1024)).toString('utf8');
  if (!text.trim()) return {};
  const value = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('expected a JSON object');
  return value as Record<string, unknown>;
}

/** `/__sandbox/*`: test and demo controls, only with the `x-sandbox-admin` header. */
export async function handleAdmin(
  ctx: SandboxContext,
  ex: Exchange,
  admin: SandboxAdmin,
  descriptor: () => unknown,
): Promise<void> {
  if (!authorized(ctx, ex)) {
    ex.json(401, {
      error: {
        code: 'Unauthorized',
        message: 'Send the x-sandbox-admin header with the adminToken from the descriptor.',
      },
    });
    return;
  }
  const route = `${ex.method} ${ex.path.replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'GET /__sandbox/descriptor':
        return ex.json(200, descriptor());
      case 'GET /__sandbox/devicecodes':
        return ex.json(200, {value: admin.pendingDeviceCodes()});
      case 'POST /__sandbox/devicecodes/approve': {
        const body = await jsonBody(ex);
        admin.approveDeviceCode(
          String(body.userCode ?? ''),
          body.principal ? String(body.principal) : undefined,
        );
        return ex.json(200, {approved: body.userCode});
      }
      case 'POST /__sandbox/devicecodes/decline': {
        const body = await jsonBody(ex);
        admin.declineDeviceCode(String(body.userCode ?? ''));
        return ex.json(200, {declined: body.userCode});
      }
      case 'GET /__sandbox/faults':
        return ex.json(200, {
          value: ctx.faults.list().map((r) => ({spec: r.spec, remaining: r.remaining ?? null})),
        });
      case 'PUT /__sandbox/faults': {
        const body = await jsonBody(ex);
        admin.setFaults(String(body.spec ?? ''));
        return ex.json(200, {value: ctx.faults.list().map((r) => r.spec)});
      }
      case 'DELETE /__sandbox/faults':
        admin.setFaults('');
        return ex.json(200, {value: []});
      case 'GET /__sandbox/clock':
        return ex.json(200, {
          now: new Date(ctx.clock.now()).toISOString(),
          offsetMs: ctx.clock.offset,
        });
      case 'POST /__sandbox/clock': {
        const body = await jsonBody(ex);
        const ms =
          typeof body.advance === 'string' ? parseDuration(body.advance) : Number(body.advanceMs);
        admin.advanceClock(ms);
        return ex.json(200, {
          now: new Date(ctx.clock.now()).toISOString(),
          offsetMs: ctx.clock.offset,
        });
      }
      case 'GET /__sandbox/operations':
        return ex.json(200, {
          failNext: ctx.failingOperations.count,
          error: ctx.failingOperations.error,
        });
      case 'PUT /__sandbox/operations': {
        const body = await jsonBody(ex);
        admin.failNextOperations(Number(body.failNext ?? 0), {
          ...(typeof body.code === 'string' ? {code: body.code} : {}),
          ...(typeof body.message === 'string' ? {message: body.message} : {}),
        });
        return ex.json(200, {
          failNext: ctx.failingOperations.count,
          error: ctx.failingOperations.error,
        });
      }
      case 'POST /__sandbox/revoke-sessions': {
        const body = await jsonBody(ex);
        const objectId = admin.revokeSignInSessions(String(body.user ?? ''));
        return ex.json(200, {
          revoked: objectId,
          tokensValidFrom: new Date(ctx.tokensValidFrom.get(objectId)!).toISOString(),
        });
      }
      case 'POST /__sandbox/reset':
        admin.reset();
        return ex.json(200, {reset: true});
      case 'GET /__sandbox/requests': {
        const since = Number(ex.url.searchParams.get('since') ?? 0);
        return ex.json(200, {value: ctx.log.filter((e) => e.seq > since)});
      }
      case 'DELETE /__sandbox/requests':
        ctx.log.length = 0;
        return ex.json(200, {value: []});
      default:
        return ex.json(404, {error: {code: 'NotFound', message: `No admin operation '${route}'.`}});
    }
  } catch (err) {
    ex.json(400, {error: {code: 'BadRequest', message: (err as Error).message}});
  }
}

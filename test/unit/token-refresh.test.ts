import {describe, expect, it} from 'vitest';
import type {Services} from '../../source/domain/services';
import type {AccessTokenInfo} from '../../source/domain/types';
import {
  initialTokenRefresh,
  refreshDueAt,
  RETRY_MS,
  type TokenRefreshAction,
  tokenRefreshReducer,
  tokenRefreshRunner,
  type TokenRefreshState,
} from '../../source/app/wizard/token-refresh';

const token = (expiresOn: number, refreshAfter?: number): AccessTokenInfo => ({
  token: `t${expiresOn}`,
  expiresOn,
  ...(refreshAfter ? {refreshAfter} : {}),
});
const apply = (state: TokenRefreshState, ...actions: TokenRefreshAction[]) =>
  actions.reduce(tokenRefreshReducer, state);

describe('the management token refresh', () => {
  it('is due at the refresh-after time, else five minutes before expiry', () => {
    expect(refreshDueAt(initialTokenRefresh(), token(3_600_000, 1_800_000))).toBe(1_800_000);
    expect(refreshDueAt(initialTokenRefresh(), token(3_600_000))).toBe(3_300_000);
  });

  it('due starts one refresh at a time; a new token ends it', () => {
    const running = apply(initialTokenRefresh(), {type: 'due', expiresOn: 100});
    expect(running.work).toEqual({id: 1, expiresOn: 100});
    expect(apply(running, {type: 'due', expiresOn: 100})).toBe(running);
    expect(apply(running, {type: 'refreshed', id: 2})).toBe(running);
    expect(apply(running, {type: 'refreshed', id: 1})).toEqual({lastId: 1});
  });

  it('a failed or unchanged refresh tries again a minute later, for that token only', () => {
    const retry = apply(
      initialTokenRefresh(),
      {type: 'due', expiresOn: 3_600_000},
      {type: 'retry', id: 1, at: 3_300_500},
    );
    expect(retry).toEqual({lastId: 1, retry: {expiresOn: 3_600_000, at: 3_300_500 + RETRY_MS}});
    expect(refreshDueAt(retry, token(3_600_000))).toBe(3_300_500 + RETRY_MS);
    // Another token (a new sign-in) has its own time.
    expect(refreshDueAt(retry, token(7_200_000))).toBe(6_900_000);
    const again = apply(retry, {type: 'due', expiresOn: 3_600_000});
    expect(again.work).toEqual({id: 2, expiresOn: 3_600_000});
  });

  it('the runner hands a new token to the wizard and retries on failure or the same token', async () => {
    const run = async (managementToken: Services['managementToken']) => {
      const actions: TokenRefreshAction[] = [];
      const tokens: AccessTokenInfo[] = [];
      let refused = 0;
      // As the real explainError: a refused refresh says "sign in again", being offline does not.
      const explainError = ((err: Error) => ({
        kind: 'auth',
        title: err.message,
        detail: '',
        nextSteps: [],
        ...(err.message === 'revoked' ? {signInAgain: true} : {}),
      })) as unknown as Services['explainError'];
      await tokenRefreshRunner({
        services: {managementToken, explainError} as Services,
        dispatch: (a) => (actions.push(a), initialTokenRefresh()),
        onToken: (t) => tokens.push(t),
        onRefused: () => refused++,
      })({id: 3, expiresOn: 100}, new AbortController().signal);
      return {actions, tokens, refused};
    };
    const fresh = await run(async () => token(200));
    expect(fresh).toEqual({
      actions: [{type: 'refreshed', id: 3}],
      tokens: [token(200)],
      refused: 0,
    });
    const same = await run(async () => token(100));
    expect(same.tokens).toEqual([]);
    expect(same.actions).toMatchObject([{type: 'retry', id: 3}]);
    const failed = await run(async () => {
      throw new Error('offline');
    });
    expect(failed.actions).toMatchObject([{type: 'retry', id: 3}]);
    expect(failed.refused).toBe(0);
    // Only signing in again brings a new token: the wizard is told, and it is tried again later.
    const revoked = await run(async () => {
      throw new Error('revoked');
    });
    expect(revoked.refused).toBe(1);
    expect(revoked.actions).toMatchObject([{type: 'retry', id: 3}]);
    expect(fresh.refused + same.refused).toBe(0);
  });
});

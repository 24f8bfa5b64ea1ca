// The proxy's token renewal over the fork channel; `emit` is a FAKE parent that records what the
// proxy asks (the real channel is exercised by test/auth-integration.test.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProxyToParent } from '../shared/fork-protocol';
import { TokenRenewal } from './token-renewal';

function renewal(timeoutMs?: number) {
  const asked: ProxyToParent[] = [];
  return { auth: new TokenRenewal('old', (m) => asked.push(m), timeoutMs), asked };
}

describe('TokenRenewal', () => {
  afterEach(() => vi.useRealTimers());

  it('asks main once for concurrent refusals, and every waiter gets the answer', async () => {
    const { auth, asked } = renewal();
    const a = auth.renew(401, 'Bearer error="invalid_token"');
    const b = auth.renew(401);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ type: 'unauthorized', requestId: 1, status: 401, wwwAuthenticate: 'Bearer error="invalid_token"' });
    expect((asked[0] as { tokenHash?: string }).tokenHash).not.toContain('old');
    expect(auth.receive('new', 1)).toBe(true);
    expect(await Promise.all([a, b])).toEqual(['new', 'new']);
    expect(auth.token()).toBe('new');
    // A push (no request id) is not an answer.
    expect(auth.receive(undefined)).toBe(false);
    expect(auth.token()).toBeUndefined();
  });

  it('gives up after the time limit, and on dispose', async () => {
    vi.useFakeTimers();
    const { auth } = renewal(1000);
    const late = auth.renew(401);
    vi.advanceTimersByTime(1000);
    expect(await late).toBeUndefined();
    const pending = auth.renew(403);
    auth.dispose();
    expect(await pending).toBeUndefined();
  });
});

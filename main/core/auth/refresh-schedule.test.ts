/**
 * The proactive refresh schedule (refresh-schedule.ts) on a FakeClock, against the real
 * authorization server of testing/engine-harness.ts. No real waits for the schedule: time moves
 * only when a test advances the clock; `until` only waits for the engine's own I/O to finish.
 */
import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '../testing/fake-clock';
import { useEngineBench, type Harness } from './testing/engine-harness';

const TTL_S = 60;
const SKEW = 5_000;
const bench = useEngineBench({ accessTokenTtl: TTL_S });
const { harness, signInOk, grantsOf } = bench;

/** Waits for the engine's requests and vault writes (never for the clock) until `check` passes. */
const until = (check: () => void) => vi.waitFor(check, { timeout: 10_000, interval: 5 });

function renewals(h: Harness): Array<{ serverId: string; token: string; expiresAt?: number }> {
  const seen: Array<{ serverId: string; token: string; expiresAt?: number }> = [];
  h.engine.onDidRenewToken((serverId, token, expiresAt) => seen.push({ serverId, token, expiresAt }));
  return seen;
}

describe('the refresh schedule', () => {
  it('refreshes at the skew before expiry, announces the new token, and schedules the next refresh', async () => {
    const clock = new FakeClock();
    const h = harness({ clock, refreshSkewMs: SKEW });
    const renewed = renewals(h);
    await signInOk(h);
    const signedInAt = clock.now();
    const first = bench.storedTokens(h.vaultFile);
    expect(first.expires_at).toBe(signedInAt + TTL_S * 1000);
    // The sign-in's token is announced too.
    expect(renewed).toEqual([{ serverId: h.server.id, token: first.access_token, expiresAt: first.expires_at }]);

    h.engine.keepFresh([h.server]);
    const due = first.expires_at! - SKEW;
    await until(() => expect(clock.pending()).toEqual([due]));
    const refreshes = grantsOf('refresh_token');
    clock.advance(due - clock.now() - 1);
    expect(clock.pending()).toEqual([due]);
    expect(grantsOf('refresh_token')).toBe(refreshes);

    clock.advance(1);
    await until(() => expect(renewed).toHaveLength(2));
    expect(grantsOf('refresh_token')).toBe(refreshes + 1);
    const next = renewed[1];
    expect(next.serverId).toBe(h.server.id);
    expect(next.token).not.toBe(first.access_token);
    expect(next.expiresAt).toBe(due + TTL_S * 1000);
    expect((await bench.fx.introspect(next.token)).active).toBe(true);
    expect(await h.engine.accessToken(h.server)).toBe(next.token);
    await until(() => expect(clock.pending()).toEqual([next.expiresAt! - SKEW]));
    bench.collectSecrets(h.vaultFile);
  });

  it('a renewal that fails is retried after a growing back-off, never in a loop, and recovers', async () => {
    const clock = new FakeClock();
    let down = false;
    let attempts = 0;
    const h = harness({
      clock,
      refreshSkewMs: SKEW,
      fetch: async (url, init) => {
        if (init?.body instanceof URLSearchParams && init.body.get('grant_type') === 'refresh_token') {
          attempts++;
          if (down) throw new TypeError('fetch failed (authorization server unreachable)');
        }
        return fetch(url, init);
      },
    });
    await signInOk(h);
    const renewed = renewals(h);
    const due = bench.storedTokens(h.vaultFile).expires_at! - SKEW;
    h.engine.keepFresh([h.server]);
    await until(() => expect(clock.pending()).toEqual([due]));

    down = true;
    clock.advanceTo(due);
    await until(() => expect(clock.pending()).toEqual([due + 30_000]));
    expect(attempts).toBe(1);
    clock.advance(30_000);
    await until(() => expect(clock.pending()).toEqual([due + 30_000 + 60_000]));
    expect(attempts).toBe(2);
    // Transient: the tokens are kept and the user is not asked to sign in.
    expect(h.engine.state(h.server.id)).toBe('signed-in');
    expect(h.notes).toHaveLength(0);
    expect(h.logs.filter((l) => l.message.includes('Could not refresh the token')).length).toBe(2);

    down = false;
    clock.advance(60_000);
    await until(() => expect(renewed).toHaveLength(1));
    expect(attempts).toBe(3);
    await until(() => expect(clock.pending()).toEqual([clock.now() + TTL_S * 1000 - SKEW]));
    bench.collectSecrets(h.vaultFile);
  });

  it('a token that lives shorter than the skew is renewed at half its lifetime, not back to back', async () => {
    const clock = new FakeClock();
    const h = harness({ clock, refreshSkewMs: 2 * TTL_S * 1000 });
    await signInOk(h);
    const renewed = renewals(h);
    const refreshes = grantsOf('refresh_token');
    h.engine.keepFresh([h.server]);
    const half = (TTL_S * 1000) / 2;
    await until(() => expect(clock.pending()).toEqual([clock.now() + half]));
    clock.advance(half);
    await until(() => expect(renewed).toHaveLength(1));
    await until(() => expect(clock.pending()).toEqual([clock.now() + half]));
    expect(grantsOf('refresh_token')).toBe(refreshes + 1);
    bench.collectSecrets(h.vaultFile);
  });

  it('keeps tokens fresh that were stored before the engine started', async () => {
    const clock = new FakeClock();
    const before = harness({ clock, refreshSkewMs: SKEW });
    await signInOk(before);
    const stored = bench.storedTokens(before.vaultFile);
    await before.engine.dispose();

    const h = harness({ clock, refreshSkewMs: SKEW, vault: before.vault });
    const renewed = renewals(h);
    expect(h.engine.state(before.server.id)).toBe('unknown');
    h.engine.keepFresh([before.server]);
    await until(() => expect(clock.pending()).toEqual([stored.expires_at! - SKEW]));
    clock.advanceTo(stored.expires_at! - SKEW);
    await until(() => expect(renewed).toHaveLength(1));
    expect(renewed[0].token).not.toBe(stored.access_token);
    expect(h.engine.state(before.server.id)).toBe('signed-in');
    bench.collectSecrets(before.vaultFile);
  });

  it('reset, leaving the set and dispose cancel the timer; a new sign-in of a kept server schedules again', async () => {
    const clock = new FakeClock();
    const h = harness({ clock, refreshSkewMs: SKEW });
    await signInOk(h);
    h.engine.keepFresh([h.server]);
    await until(() => expect(clock.pending()).toHaveLength(1));

    await h.engine.reset(h.server);
    expect(clock.pending()).toEqual([]);

    await signInOk(h);
    const due = bench.storedTokens(h.vaultFile).expires_at! - SKEW;
    await until(() => expect(clock.pending()).toEqual([due]));

    h.engine.keepFresh([]);
    expect(clock.pending()).toEqual([]);
    h.engine.keepFresh([h.server]);
    await until(() => expect(clock.pending()).toEqual([due]));

    await h.engine.dispose();
    expect(clock.pending()).toEqual([]);
    h.engine.keepFresh([h.server]);
    expect(clock.pending()).toEqual([]);
  });
});

describe('secrets', () => {
  it('no token, code, verifier or client secret ever reached a log line, state detail or notification', () => {
    bench.expectNothingSecretSaid();
  });
});

/**
 * The health check's protocol era, against real servers of both eras (SDK 1.x with sessions, SDK
 * 2.x 2026-07-28 only): found, reported to be remembered, asked first next time, found again when
 * the remembered one is wrong, and waited for by a client that connects during a check.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProtocolEra, ProtocolInUse } from '../../common/protocol-versions';
import { startModernServer, type ModernServer } from '../../test/fixtures/modern-server';
import { startSdkServer, type SdkServer } from '../../test/fixtures/sdk-server';
import { UpstreamHealth } from './health-check';
import type { ParentReporter } from './parent-reporter';

let modern: ModernServer;
let legacy: SdkServer;
beforeAll(async () => {
  [modern, legacy] = await Promise.all([startModernServer(), startSdkServer()]);
});
afterAll(async () => {
  await Promise.all([modern?.close(), legacy?.close()]);
});

function health(url: string, era?: ProtocolEra) {
  const protocols: ProtocolInUse[] = [];
  const infos: { name?: string }[] = [];
  const reporter = {
    state: () => {},
    log: () => {},
    transport: () => {},
    serverInfo: (info: { name?: string }) => void infos.push(info),
    bumpMetrics: () => {},
    protocol: (p: ProtocolInUse) => void protocols.push(p),
  } as unknown as ParentReporter;
  const h = new UpstreamHealth({
    server: { id: 's', name: 'S', url, headers: {}, era },
    auth: { token: () => undefined, renew: async () => undefined },
    reporter,
    loadUpstream: () => import('./upstream'),
  });
  return { h, protocols, infos };
}

describe('the health check and the protocol era', () => {
  it('finds a 2025 server by its initialize, reports the revision, and asks initialize first from then on', async () => {
    const { h, protocols } = health(legacy.url);
    const posts = legacy.stats.posts;
    await h.check();
    expect(h.state).toBe('ready');
    expect(await h.knownEra()).toBe('legacy');
    expect(protocols).toEqual([{ server: '2025-11-25' }]);
    expect(legacy.stats.posts - posts).toBe(2); // server/discover (refused), then initialize
    await h.check();
    expect(legacy.stats.posts - posts).toBe(3); // initialize only
    h.dispose();
  });

  it('finds a 2026-07-28 server that the last run remembered as a 2025 one', async () => {
    const { h, protocols } = health(modern.url, 'legacy');
    expect(await h.knownEra()).toBe('legacy'); // what the last run said, until a check ends
    const before = modern.methods.length;
    await h.check();
    // initialize refused (by plain HTTP, then by the SDK's transports), then server/discover
    const asked = modern.methods.slice(before);
    expect(asked[0]).toBe('POST');
    expect(asked.at(-1)).toBe('server/discover');
    expect(await h.knownEra()).toBe('modern');
    expect(protocols).toEqual([{ server: '2026-07-28' }]);
    h.dispose();
  });

  it('makes a client that connects during the first check wait for its era', async () => {
    const { h } = health(modern.url);
    h.start();
    expect(await h.knownEra()).toBe('modern');
    h.dispose();
  });
});

describe('the first check of a proxy started for a client', () => {
  // Fake setTimeout only (the deferral's timer); the HTTP exchanges with the real server run as ever.
  afterEach(() => vi.useRealTimers());

  it('waits while that client goes first; its session sets the state meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { h, infos } = health(legacy.url, 'legacy');
    const posts = legacy.stats.posts;
    h.start(2000);
    expect(h.state).toBe('connecting');
    expect(await h.knownEra()).toBe('legacy'); // no check under way: the client does not wait
    h.ok(); // the client's session reached the server
    expect(h.state).toBe('ready');
    vi.advanceTimersByTime(1999);
    expect(legacy.stats.posts - posts).toBe(0);
    // The check still comes: it is what tells the server's own name.
    vi.advanceTimersByTime(1);
    vi.useRealTimers();
    await vi.waitFor(() => expect(infos).toEqual([expect.objectContaining({ name: 'sdk-fixture' })]));
    expect(legacy.stats.posts - posts).toBe(1);
    expect(h.state).toBe('ready');
    h.dispose();
  });

  it('runs when the time is up and no client proved the server', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { h } = health(legacy.url, 'legacy');
    const posts = legacy.stats.posts;
    h.start(2000);
    vi.advanceTimersByTime(1999);
    expect(legacy.stats.posts - posts).toBe(0);
    vi.advanceTimersByTime(1);
    vi.useRealTimers();
    await vi.waitFor(() => expect(h.state).toBe('ready'));
    expect(legacy.stats.posts - posts).toBe(1); // the remembered era's initialize
    h.dispose();
  });

  it('runs at once when the era is not known: the client waits for it', async () => {
    const { h } = health(modern.url);
    h.start(2000);
    expect(await h.knownEra()).toBe('modern');
    h.dispose();
  });
});

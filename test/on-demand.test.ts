// Proxies on demand, end to end: a real host (createHost with the headless ports), real proxy
// children from out/proxy, the real connector started by an MCP client as Claude Desktop does, and
// the SDK fixture server. The idle time is the host's Clock port, a FakeClock: a test moves it past
// the idle time instead of waiting for it; everything else (processes, sockets, HTTP) is real.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerStatus } from '../common/contract';
import type { Host } from '../main/core/host';
import { FakeClock } from '../main/core/testing/fake-clock';
import { connectClient, makeTempHome, startHost, waitForState, type ConnectedClient, type TempHome } from './fixtures/harness';
import { waitFor } from './fixtures/ports';
import { startSdkServer, type SdkServer } from './fixtures/sdk-server';

const IDLE_MS = 5 * 60_000;

let server: SdkServer;
let t: TempHome;
let host: Host | undefined;
let clients: ConnectedClient[] = [];

beforeAll(async () => {
  server = await startSdkServer();
});

afterAll(async () => {
  await server.close();
});

afterEach(async () => {
  for (const c of clients) await c.close().catch(() => {});
  clients = [];
  await host?.dispose();
  host = undefined;
  t?.cleanup();
});

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function onDemandHost(clock: FakeClock): Promise<Host> {
  t = makeTempHome();
  host = await startHost(t, { clock });
  return host;
}

function statusOf(h: Host, id: string): ServerStatus {
  return h.core.listServers().find((s) => s.id === id)!.status;
}

/** Moves the fake clock past the idle time until the proxy has gone (a leaving client's session may still be ending once). */
async function idleOut(h: Host, clock: FakeClock, id: string): Promise<number> {
  const pid = h.core.proxyPid(id)!;
  expect(alive(pid)).toBe(true);
  for (let i = 0; i < 5 && alive(pid); i++) {
    clock.advance(IDLE_MS);
    await waitFor(() => !alive(pid) || undefined, 'the proxy to stop', 2000).catch(() => undefined);
  }
  await waitForState(h.core, id, 'idle');
  return pid;
}

describe('proxies on demand', () => {
  it('a configured server has no proxy at start; a client’s first connection starts it and the call succeeds; after the idle time it is gone and the state says idle', async () => {
    const clock = new FakeClock();
    t = makeTempHome();
    // The server is configured by one host, which stops; the next host starts with it on demand.
    const first = await startHost(t, { clock });
    const added = await first.core.addServer({ name: 'Fixture', url: server.url });
    await first.dispose();
    host = await startHost(t, { clock });
    const id = added.id;
    expect(statusOf(host, id).state).toBe('idle');
    expect(host.core.proxyPid(id)).toBeUndefined();
    expect(host.core.getSettings().proxyIdleMinutes).toBe(5);

    const c = await connectClient(t, id);
    clients.push(c);
    const r = await c.client.callTool({ name: 'echo', arguments: { message: 'cold' } });
    expect((r.content as Array<{ text: string }>)[0]!.text).toBe('echo: cold');
    const pid = host.core.proxyPid(id);
    expect(alive(pid)).toBe(true);
    expect(host.core.tailLogs(id, 50).some((e) => e.message === 'A client connected; starting its proxy')).toBe(true);

    // While the client stays connected, no amount of time stops it.
    await waitFor(() => (statusOf(host!, id).counters.connections === 1 ? true : undefined), 'the connection to be counted');
    clock.advance(3 * IDLE_MS);
    await new Promise((r) => setTimeout(r, 300)); // the proxy's answer to stop-if-idle crosses the fork channel
    expect(alive(pid)).toBe(true);
    const again = await c.client.callTool({ name: 'echo', arguments: { message: 'still here' } });
    expect((again.content as Array<{ text: string }>)[0]!.text).toBe('echo: still here');

    await c.close();
    clients = [];
    await waitFor(() => (statusOf(host!, id).counters.connections === 0 ? true : undefined), 'the connection to close');
    const stopped = await idleOut(host, clock, id);
    expect(alive(stopped)).toBe(false);
    // The proxy left its compiled code in the data directory, for the next start, readable by no one else.
    const cacheDir = path.join(t.dataDir, 'cache', 'code');
    const entries = fs.readdirSync(cacheDir, { recursive: true, withFileTypes: true });
    expect(entries.filter((e) => e.isFile()).length).toBeGreaterThan(0);
    const open = [cacheDir, path.dirname(cacheDir), ...entries.map((e) => path.join(e.parentPath, e.name))].filter((p) => (fs.statSync(p).mode & 0o077) !== 0);
    expect(open).toEqual([]);
    const s = statusOf(host, id);
    expect(s.state).toBe('idle');
    expect(s.pid).toBeUndefined();
    expect(s.restarts).toBe(0);
    expect(host.core.tailLogs(id, 50).some((e) => /stopped unexpectedly/.test(e.message))).toBe(false);

    // And the next client starts it again.
    const c2 = await connectClient(t, id);
    clients.push(c2);
    const r2 = await c2.client.callTool({ name: 'echo', arguments: { message: 'warm again' } });
    expect((r2.content as Array<{ text: string }>)[0]!.text).toBe('echo: warm again');
    expect(host.core.proxyPid(id)).not.toBe(stopped);
  });

  it('a long call in flight is not cut by the idle time', async () => {
    const clock = new FakeClock();
    const h = await onDemandHost(clock);
    const { id } = await h.core.addServer({ name: 'Slow', url: server.url });
    const c = await connectClient(t, id);
    clients.push(c);
    const pid = h.core.proxyPid(id);
    const call = c.client.callTool({ name: 'slow', arguments: { steps: 8, ms: 150 } }, { timeout: 30_000 });
    await waitFor(() => (server.stats.posts > 0 ? true : undefined), 'the call to reach the server');
    for (let i = 0; i < 4; i++) {
      clock.advance(IDLE_MS);
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await call;
    expect((r.content as Array<{ text: string }>)[0]!.text).toBe('done 8');
    expect(h.core.proxyPid(id)).toBe(pid);
    expect(alive(pid)).toBe(true);
  });

  it('the window’s tools listing starts an idle server’s proxy', async () => {
    const clock = new FakeClock();
    const h = await onDemandHost(clock);
    const { id } = await h.core.addServer({ name: 'Tools', url: server.url });
    await waitForState(h.core, id, 'ready');
    await idleOut(h, clock, id);
    const tools = await h.core.listTools(id);
    expect(tools.map((x) => x.name)).toContain('echo');
    expect(alive(h.core.proxyPid(id))).toBe(true);
  });

  it('while no proxy runs, the host’s own check shows a server that needs sign-in, then one that went down', async () => {
    const clock = new FakeClock();
    const h = await onDemandHost(clock);
    const own = await startSdkServer();
    try {
      const { id } = await h.core.addServer({ name: 'Checked', url: own.url });
      await waitForState(h.core, id, 'ready');
      const history: ServerStatus[] = [];
      h.core.onDidChangeStatus((s) => s.serverId === id && history.push(s));
      await idleOut(h, clock, id);
      // The first check after the stop found it working.
      await waitFor(() => (own.stats.posts > 0 && history.some((s) => s.state === 'idle') ? true : undefined), 'the first check');

      const posts = own.stats.posts;
      own.failNext(1, 401);
      await h.core.checkIdleServers();
      expect(own.stats.posts).toBeGreaterThan(posts);
      const signIn = statusOf(h, id);
      expect(signIn.state).toBe('needs-sign-in');
      expect(signIn.pid).toBeUndefined();
      expect(signIn.detail).toMatch(/Sign in to 127\.0\.0\.1/);

      await own.close();
      await h.core.checkIdleServers();
      const down = statusOf(h, id);
      expect(down.state).toBe('retrying');
      expect(down.pid).toBeUndefined();
      expect(down.detail).toMatch(/connection refused/);
      expect(down.nextRetryAt).toBeGreaterThan(clock.now());
      expect(h.core.proxyPid(id)).toBeUndefined();
    } finally {
      await own.close().catch(() => {});
    }
  });

  it('with the idle time 0 every proxy runs all the time, and turning it on parks none that is in use', async () => {
    const clock = new FakeClock();
    const h = await onDemandHost(clock);
    await h.core.setSettings({ proxyIdleMinutes: 0 });
    const { id } = await h.core.addServer({ name: 'Always', url: server.url });
    await waitForState(h.core, id, 'ready');
    const pid = h.core.proxyPid(id);
    clock.advance(24 * 60 * IDLE_MS);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(pid)).toBe(true);
    await expect(h.core.setSettings({ proxyIdleMinutes: -1 } as never)).rejects.toThrow(/proxyIdleMinutes must be a whole number of minutes from 0/);
    await h.core.setSettings({ proxyIdleMinutes: 1 });
    clock.advance(60_000);
    await waitFor(() => (!alive(pid) ? true : undefined), 'the proxy to stop after the new idle time');
    await waitForState(h.core, id, 'idle');
  });
});

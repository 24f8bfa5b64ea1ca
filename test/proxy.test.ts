/**
 * The proxy engine against a real SDK server (test/fixtures/sdk-server.ts) that the tests steer:
 * server-to-client requests, progress, cancellation, separate sessions per client, session
 * expiry, proxy crashes, unreachable upstreams, malformed client input, custom headers.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../main/core/app-core';
import { endpointFor, resolvePaths } from '../main/shared/paths';
import { connectToEndpoint, newNonce } from '../main/shared/handshake';
import { WIRE_VERSION } from '../main/shared/wire';
import { startSdkServer, type SdkServer } from './fixtures/sdk-server';
import { connectClient, makeTempHome, startCore, waitForState, type TempHome } from './fixtures/harness';
import { freePort, waitFor } from './fixtures/ports';

let server: SdkServer;
let home: TempHome;
let core: AppCore;
let id: string;

beforeAll(async () => {
  server = await startSdkServer();
  home = makeTempHome();
  home.env.FIXTURE_API_KEY = 'key-from-env-1234567';
  core = await startCore(home);
  id = (await core.addServer({ url: server.url, name: 'Fixture', headers: { 'X-Api-Key': '${env:FIXTURE_API_KEY}', 'X-Static': 'static-value-987' } })).id;
  await waitForState(core, id, 'ready');
});

afterAll(async () => {
  await core?.dispose();
  await server?.close();
  home?.cleanup();
});

describe('relaying', () => {
  it('round-trips sampling, elicitation and roots requests from the server', async () => {
    const c = await connectClient(home, id, {
      capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } },
      setup: (client) => {
        client.setRequestHandler('sampling/createMessage', async (req) => ({
          role: 'assistant',
          model: 'test-model',
          content: { type: 'text', text: `I read "${(req.params.messages[0].content as { text: string }).text}"` },
        }));
        client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { name: 'Ada' } }));
        client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///work/a' }, { uri: 'file:///work/b' }] }));
      },
    });
    try {
      const sampled = await c.client.callTool({ name: 'ask-model', arguments: { prompt: 'ping' } });
      expect(JSON.stringify(sampled.content)).toContain('model said: I read \\"ping\\"');
      const elicited = await c.client.callTool({ name: 'ask-user', arguments: {} });
      expect(JSON.stringify(elicited.content)).toContain('accept: {\\"name\\":\\"Ada\\"}');
      const roots = await c.client.callTool({ name: 'list-roots', arguments: {} });
      expect(JSON.stringify(roots.content)).toContain('file:///work/a,file:///work/b');
      const res = await c.client.readResource({ uri: 'fixture://greeting' });
      expect(JSON.stringify(res.contents)).toContain('hello from the fixture');
      const prompt = await c.client.getPrompt({ name: 'review', arguments: { topic: 'the proxy' } });
      expect(JSON.stringify(prompt.messages)).toContain('Please review the proxy');
    } finally {
      await c.close();
    }
  });

  it('relays progress notifications and cancellation', async () => {
    const c = await connectClient(home, id);
    try {
      const progress: number[] = [];
      const done = await c.client.callTool({ name: 'slow', arguments: { steps: 4, ms: 20 } }, { onprogress: (p) => progress.push(p.progress) });
      expect(JSON.stringify(done.content)).toContain('done 4');
      // The SDK client runs notification handlers a microtask late but answers responses at once,
      // so the last progress may lose the race with a response read in the same stdio chunk (it
      // does over a direct stdio server too). Every earlier one must arrive, in order.
      expect(progress.slice(0, 3)).toEqual([1, 2, 3]);

      const ac = new AbortController();
      const before = server.stats.cancelled.length;
      const pending = c.client.callTool({ name: 'slow', arguments: { steps: 50, ms: 40 } }, { signal: ac.signal });
      setTimeout(() => ac.abort('user cancelled'), 200);
      await expect(pending).rejects.toThrow();
      // The server saw notifications/cancelled and stopped the tool.
      await waitFor(() => server.stats.cancelled.length > before, 'the server to observe the cancellation', 5000);
    } finally {
      await c.close();
    }
  });

  it("resumes a dropped response stream with Last-Event-ID after the server's retry interval", async () => {
    const c = await connectClient(home, id);
    try {
      const before = server.stats.resumes.length;
      const started = Date.now();
      const r = await c.client.callTool({ name: 'drop-stream', arguments: {} }, { onprogress: () => {} });
      expect(JSON.stringify(r.content)).toContain('survived the dropped stream');
      const resumes = server.stats.resumes.slice(before);
      expect(resumes.length).toBeGreaterThanOrEqual(1);
      expect(resumes[0].lastEventId).not.toBe('');
      // The server asked for retry: 250 ms; the proxy waited that long before resuming.
      expect(resumes[0].at - started).toBeGreaterThanOrEqual(240);
    } finally {
      await c.close();
    }
  });

  it('sends the negotiated MCP-Protocol-Version and the custom headers, env-substituted', async () => {
    const from = server.headers.length;
    const c = await connectClient(home, id);
    await c.client.listTools();
    await c.close();
    const seen = server.headers.slice(from);
    const init = seen.find((h) => !h['mcp-session-id']);
    const later = seen.filter((h) => h['mcp-session-id']);
    expect(init?.['x-api-key']).toBe('key-from-env-1234567');
    expect(init?.['x-static']).toBe('static-value-987');
    expect(later.length).toBeGreaterThan(0);
    for (const h of later) expect(h['mcp-protocol-version']).toBe(c.client.getNegotiatedProtocolVersion?.() ?? '2025-11-25');
  });

  it('gives two clients separate upstream sessions and sends DELETE when each leaves', async () => {
    const initsBefore = server.stats.initializes;
    const deletesBefore = server.stats.deletes;
    const a = await connectClient(home, id);
    const b = await connectClient(home, id);
    const [ra, rb] = await Promise.all([
      a.client.callTool({ name: 'echo', arguments: { message: 'from a' } }),
      b.client.callTool({ name: 'echo', arguments: { message: 'from b' } }),
    ]);
    expect(JSON.stringify(ra.content)).toContain('echo: from a');
    expect(JSON.stringify(rb.content)).toContain('echo: from b');
    expect(server.stats.initializes - initsBefore).toBe(2);
    const sessionsSeen = new Set(
      server.headers
        .slice(-4)
        .map((h) => h['mcp-session-id'])
        .filter(Boolean),
    );
    expect(sessionsSeen.size).toBe(2);
    await a.close();
    await b.close();
    await waitFor(() => server.stats.deletes - deletesBefore >= 2, 'two DELETEs', 5000);
    await waitFor(() => core.listServers()[0].status.counters.connections === 0, 'connections to drop to 0', 5000);
  });

  it('survives server-side session expiry without the client noticing', async () => {
    const c = await connectClient(home, id);
    try {
      await c.client.callTool({ name: 'echo', arguments: { message: 'one' } });
      const inits = server.stats.initializes;
      server.expireSessions();
      const r = await c.client.callTool({ name: 'echo', arguments: { message: 'two' } });
      expect(JSON.stringify(r.content)).toContain('echo: two');
      expect(server.stats.initializes).toBe(inits + 1);
      expect(core.tailLogs(id).some((e) => /re-initializ/i.test(e.message))).toBe(true);
    } finally {
      await c.close();
    }
  });

  it('answers with a clear JSON-RPC error when the upstream fails, saying what happened to the call', async () => {
    const c = await connectClient(home, id);
    try {
      await c.client.listTools(); // the handshake is fully upstream before the failure is armed
      server.failNext(1, 502);
      const err = await c.client.callTool({ name: 'echo', arguments: { message: 'x' } }).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      // (Issue 13: the error says what happened to this call, never the health check's schedule.)
      expect((err as Error).message).toMatch(
        /Upstream http:\/\/127\.0\.0\.1:\d+\/mcp answered 502 Bad Gateway; sent, outcome unknown: "echo" is not marked read-only or idempotent/,
      );
      expect((err as Error).message).not.toMatch(/retrying in/);
      // The next request works again.
      const ok = await c.client.callTool({ name: 'echo', arguments: { message: 'y' } });
      expect(JSON.stringify(ok.content)).toContain('echo: y');
    } finally {
      await c.close();
    }
    await waitForState(core, id, 'ready');
  });
});

describe('protocol details', () => {
  for (const status of [404, 405, 406]) {
    it(`treats ${status} on the GET stream as "no stream" and keeps working quietly`, async () => {
      server.refuseGet(status);
      const since = Date.now();
      const c = await connectClient(home, id);
      try {
        const r = await c.client.callTool({ name: 'echo', arguments: { message: `get ${status}` } });
        expect(JSON.stringify(r.content)).toContain(`echo: get ${status}`);
        // The SDK drops a 405 silently; 404 and 406 reach the proxy, which notes them at debug level.
        if (status !== 405) {
          await waitFor(() => core.tailLogs(id).some((e) => e.message.includes(`no standalone event stream (${status})`)), 'the debug line');
        }
        expect(server.stats.gets).toBeGreaterThan(0);
        expect(core.tailLogs(id, 200).filter((e) => e.ts >= since && (e.level === 'warn' || e.level === 'error'))).toEqual([]);
      } finally {
        server.refuseGet(0);
        await c.close();
      }
    });
  }

  it('relays JSON-RPC batches for a client that negotiated 2025-03-26', async () => {
    const { socket, lines } = await rawConnection(id);
    try {
      socket.write(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'batcher', version: '1' } },
        }) + '\n',
      );
      await waitFor(() => lines.length >= 1, 'initialize result');
      expect(JSON.parse(lines[0]).result.protocolVersion).toBe('2025-03-26');
      socket.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
      socket.write(
        JSON.stringify([
          { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { message: 'in a batch' } } },
          { jsonrpc: '2.0', id: 3, method: 'ping' },
        ]) + '\n',
      );
      await waitFor(() => lines.join('\n').includes('"id":2') && lines.join('\n').includes('"id":3'), 'both batch answers');
      const answers = lines.slice(1).flatMap((l) => [JSON.parse(l)].flat());
      expect(answers.find((a) => a.id === 2).result.content[0].text).toBe('echo: in a batch');
      expect(answers.find((a) => a.id === 3).result).toEqual({});
    } finally {
      socket.destroy();
    }
  });
});

/** A connection to the proxy without the connector: the handshake, then raw JSON-RPC lines. */
async function rawConnection(serverId: string): Promise<{ socket: net.Socket; lines: string[] }> {
  const paths = resolvePaths(home.env);
  const secret = fs.readFileSync(paths.secretFile, 'utf8').trim();
  const { socket, rest } = await connectToEndpoint(endpointFor(paths, serverId), { secret, server: serverId });
  const lines: string[] = [];
  let buf = rest.toString('utf8');
  const take = () => {
    let nl;
    while ((nl = buf.indexOf('\n')) !== -1) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  };
  take();
  socket.on('data', (d) => {
    buf += d;
    take();
  });
  return { socket, lines };
}

describe('local endpoint', () => {
  it('refuses a connection without the secret, and the socket is private', async () => {
    const endpoint = endpointFor(resolvePaths(home.env), id);
    expect(fs.statSync(endpoint).mode & 0o077).toBe(0);
    expect(fs.statSync(resolvePaths(home.env).runDir).mode & 0o777).toBe(0o700);
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect(endpoint);
      let out = '';
      s.on('data', (d) => (out += d));
      s.on('close', () => resolve(out));
      s.on('error', reject);
      // The right hello, then a proof made with a wrong secret for the proxy's challenge.
      s.write(JSON.stringify({ switchboard: WIRE_VERSION, server: id, nonce: newNonce() }) + '\n');
      s.once('data', () => s.write(JSON.stringify({ proof: 'f'.repeat(64) }) + '\n'));
    });
    expect(answer).toContain('wrong connector secret');
    await waitFor(() => core.tailLogs(id).some((e) => /Refused a local connection: wrong connector secret/.test(e.message)), 'the refusal log line');
  });

  it('closes only the connection that sends malformed bytes, with a log line', async () => {
    const good = await connectClient(home, id);
    const endpoint = endpointFor(resolvePaths(home.env), id);
    const secret = fs.readFileSync(resolvePaths(home.env).secretFile, 'utf8').trim();
    const { socket: s, rest } = await connectToEndpoint(endpoint, { secret, server: id });
    const reply = await new Promise<string>((resolve, reject) => {
      let out = rest.toString('utf8');
      s.on('data', (d) => (out += d));
      s.on('close', () => resolve(out));
      s.on('error', reject);
      s.write(Buffer.from([0x7b, 0xff, 0xfe, 0x0a])); // "{" + invalid UTF-8 + newline
    });
    expect(reply).toContain('"code":-32700');
    expect(reply).toContain('not JSON');
    const r = await good.client.callTool({ name: 'echo', arguments: { message: 'still here' } });
    expect(JSON.stringify(r.content)).toContain('still here');
    await good.close();
    expect(core.tailLogs(id).some((e) => e.level === 'warn' && /Closing the connection: the client sent bytes that are not JSON/.test(e.message))).toBe(true);
  });
});

describe('secrets', () => {
  it('keeps header values and the connector secret out of logs, argv and env of the proxy', async () => {
    const secret = fs.readFileSync(resolvePaths(home.env).secretFile, 'utf8').trim();
    const pid = core.proxyPid(id)!;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
    const logFiles = fs.readdirSync(resolvePaths(home.env).logsDir).map((f) => fs.readFileSync(`${resolvePaths(home.env).logsDir}/${f}`, 'utf8'));
    const haystacks = [cmdline, environ, JSON.stringify(core.tailLogs(id, 5000)), ...logFiles];
    for (const needle of [secret, 'key-from-env-1234567', 'static-value-987']) {
      for (const h of haystacks) expect(h.includes(needle)).toBe(false);
    }
    expect(environ.includes('FIXTURE_API_KEY')).toBe(false);
  });
});

describe('supervision', () => {
  it('restarts a proxy killed with SIGKILL, and the next connector works', async () => {
    const pid = core.proxyPid(id)!;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => core.proxyPid(id) && core.proxyPid(id) !== pid, 'a new proxy pid');
    const s = await waitForState(core, id, 'ready');
    expect(s.restarts).toBeGreaterThanOrEqual(1);
    expect(s.lastError).toMatch(/killed by SIGKILL/);
    const c = await connectClient(home, id);
    const r = await c.client.callTool({ name: 'echo', arguments: { message: 'after restart' } });
    expect(JSON.stringify(r.content)).toContain('after restart');
    await c.close();
  });

  it('a client connected during the crash gets an error for its in-flight request, then keeps working', async () => {
    const c = await connectClient(home, id);
    try {
      const pid = core.proxyPid(id)!;
      let progressed = false;
      const inflight = c.client.callTool({ name: 'slow', arguments: { steps: 40, ms: 50 } }, { onprogress: () => (progressed = true) });
      // The call is running at the server (its first progress came back through the proxy): now kill.
      await waitFor(() => progressed, 'the call to be in flight');
      process.kill(pid, 'SIGKILL');
      await expect(inflight).rejects.toThrow(/restarted while tools\/call was in flight/);
      await waitForState(core, id, 'ready');
      const r = await c.client.callTool({ name: 'echo', arguments: { message: 'same client' } });
      expect(JSON.stringify(r.content)).toContain('same client');
    } finally {
      await c.close();
    }
  });

  it('keeps other servers running when one fails, and reports an unreachable server clearly', async () => {
    const deadPort = await freePort();
    // (A short retry budget: the client's initialize is retried for that long before it fails.)
    const dead = await core.addServer({ url: `http://127.0.0.1:${deadPort}/mcp`, name: 'Nowhere', retryBudgetSeconds: 2 });
    const st = await waitForState(core, dead.id, 'retrying');
    expect(st.detail).toMatch(/Cannot reach upstream http:\/\/127\.0\.0\.1:\d+\/mcp: connection refused \(ECONNREFUSED\); retrying in \d+ s/);
    // The client's initialize itself gets the error: connecting fails with the reason.
    await expect(connectClient(home, dead.id)).rejects.toThrow(/Cannot reach upstream .*connection refused \(ECONNREFUSED\)/);
    // The healthy server is untouched.
    expect(core.listServers().find((s) => s.id === id)!.status.state).toBe('ready');
    await core.removeServer(dead.id);
  });
});

/**
 * A hostile MCP server behind the real product path (AppCore, the bundled proxy child, the bundled
 * connector over stdio): malformed, oversized and never-ending answers end in a clear JSON-RPC
 * error for that request — never a hang, never a crash — and the proxy neither holds more than
 * one message's worth of them nor stops serving the next request. Slow, 5xx and dropped
 * connections are test/faults territory; this is about the bytes of the answers.
 */
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../main/core/app-core';
import { MAX_MESSAGE_BYTES } from '../main/shared/wire';
import { connectClient, makeTempHome, startCore, waitForState, type ConnectedClient, type TempHome } from './fixtures/harness';
import { startHostileServer, type HostileServer } from './fixtures/hostile-server';
import { waitFor } from './fixtures/ports';

let server: HostileServer;
let home: TempHome;
let core: AppCore;
let id: string;
let c: ConnectedClient;

const OVERSIZE = MAX_MESSAGE_BYTES + 4 * 1024 * 1024;

beforeAll(async () => {
  server = await startHostileServer({ oversize: OVERSIZE });
  home = makeTempHome();
  // Generous: pouring 64 MB through a loaded CI machine must not hit the proxy's request limit.
  home.env.MCP_SWITCHBOARD_REQUEST_TIMEOUT_MS = '60000';
  core = await startCore(home);
  id = (await core.addServer({ url: server.url, name: 'Hostile' })).id;
  await waitForState(core, id, 'ready');
  c = await connectClient(home, id);
}, 60_000);

afterAll(async () => {
  await c?.close();
  await core?.dispose();
  await server?.close();
  home?.cleanup();
});

/** Calls a tool; resolves with the text, or the JSON-RPC error message. Client-side time limit 25 s: a hang fails loudly. */
async function call(name: string): Promise<{ ok: boolean; text: string }> {
  try {
    const r = await c.client.callTool({ name, arguments: {} }, { timeout: 25_000 });
    return { ok: !r.isError, text: JSON.stringify(r.content) };
  } catch (err) {
    return { ok: false, text: (err as Error).message };
  }
}

function proxyRssMb(): number {
  const pid = core.proxyPid(id)!;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

describe('hostile server answers', () => {
  it('a normal answer works (the control)', async () => {
    expect(await call('ok')).toEqual({ ok: true, text: JSON.stringify([{ type: 'text', text: 'ok' }]) });
  });

  it.each([
    ['malformed-json', /Upstream .* failed: .*(JSON|Unexpected|end of)/i],
    ['json-not-rpc', /not a JSON-RPC message/],
    ['wrong-type', /Unexpected content type: text\/html/],
  ])('%s → a clear JSON-RPC error, and the next request still works', async (tool, reason) => {
    const r = await call(tool);
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(reason);
    expect(r.text).not.toMatch(/Request timed out/); // the client's own limit: that would be a hang
    expect((await call('ok')).ok).toBe(true);
  });

  it('garbage events before the answer are skipped; the answer arrives', async () => {
    const r = await call('garbage-then-answer');
    expect(r).toEqual({ ok: true, text: JSON.stringify([{ type: 'text', text: 'after the garbage' }]) });
  });

  it.each([
    ['giant-json', /larger than 64 MB/],
    ['giant-event', /larger than 64 MB/],
    ['endless-line', /larger than 64 MB/],
  ])('%s: cut off at the bound with a clear error; the proxy keeps serving and its memory stays bounded', async (tool, reason) => {
    const before = server.written;
    const r = await call(tool);
    expect(r.ok).toBe(false);
    expect(r.text).toMatch(reason);
    // The server was stopped well before it finished pouring (it would write OVERSIZE + more).
    expect(server.written - before).toBeLessThan(OVERSIZE + 8 * 1024 * 1024);
    // Coarse (the GC runs when it likes): a few messages' worth at most, never the whole stream.
    expect(proxyRssMb()).toBeLessThan((3 * MAX_MESSAGE_BYTES) / (1024 * 1024) + 250);
    expect((await call('ok')).ok).toBe(true);
  });

  it('a giant or malformed answer to initialize (the SDK transport path) is a clear error for the client, not a crash', async () => {
    for (const [kind, reason] of [
      ['giant-json', /larger than 64 MB|Upstream/],
      ['malformed-json', /Upstream|JSON/],
    ] as const) {
      server.hostileInitialize = kind;
      const err = await connectClient(home, id).then(
        async (other) => {
          await other.close();
          return undefined;
        },
        (e: Error) => e,
      );
      expect(err, kind).toBeInstanceOf(Error);
      expect(err!.message).toMatch(reason);
    }
    // Everything still works for the connected client and for a new one.
    expect((await call('ok')).ok).toBe(true);
    const fresh = await connectClient(home, id);
    expect((await fresh.client.callTool({ name: 'ok', arguments: {} })).isError).toBeFalsy();
    await fresh.close();
  });
});

describe('hostile answers to the health check', () => {
  it.each(['giant-event', 'giant-json', 'endless-line'] as const)(
    '%s: the health check reads a few MB at most and the proxy stays up',
    async (kind) => {
      const bad = await startHostileServer({ oversize: OVERSIZE, hostileHealth: kind });
      try {
        const sid = (await core.addServer({ url: bad.url, name: `Bad health ${kind}` })).id;
        // Whatever the verdict (a 200 without a usable answer counts as reachable), the check ended.
        await waitForState(core, sid, ['ready', 'retrying', 'error', 'needs-sign-in'], 25_000);
        const pid = core.proxyPid(sid)!;
        // The server was cut off long before it finished (a health answer is read up to 4 MB).
        await waitFor(() => bad.written > 0, 'the server to start pouring');
        expect(bad.written).toBeLessThan(OVERSIZE / 2);
        const rss = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
        expect(rss).toBeLessThan(150);
        await core.removeServer(sid, { keepInClients: true });
      } finally {
        await bad.close();
      }
    },
    45_000,
  );
});

describe('secrets in a server URL (issue 12, item 8)', () => {
  it('reach neither the log files, the ring buffers nor the diagnostics bundle; the bundle shows them masked', async () => {
    const keys = ['url-api-key-Zq81xV3r', 'url-token-Hh27kLm9', 'url-secret-Pp03sWq7', 'url-auth-Tt64nBv2'];
    const pathToken = 'sk-live-4f9a8b7c6d5e4f3a2b1c0d9e';
    const base = server.url.replace(/\/mcp$/, '');
    const url = `${base}/u/${pathToken}/mcp?api-key=${keys[0]}&token=${keys[1]}&secret=${keys[2]}&auth=${keys[3]}`;
    const sid = (await core.addServer({ url, name: 'Keyed' })).id;
    try {
      await waitForState(core, sid, 'ready');
      const keyed = await connectClient(home, sid);
      // An upstream failure: the proxy words it with the server's address.
      await keyed.client.callTool({ name: 'wrong-type', arguments: {} }, { timeout: 25_000 }).catch(() => undefined);
      await keyed.close();
      const bundle = await core.exportDiagnostics();
      const logDir = `${home.dataDir}/logs`;
      await waitFor(() => fs.existsSync(`${logDir}/${sid}.log`), 'the log file');
      const haystacks: Array<[string, string]> = [
        ['diagnostics', fs.readFileSync(bundle.file, 'utf8')],
        ['ring buffers', JSON.stringify(core.tailLogs(undefined, 5000))],
        ['servers:list', JSON.stringify(core.listServers().map((s) => s.status))],
        ...fs.readdirSync(logDir).map((f): [string, string] => [`logs/${f}`, fs.readFileSync(`${logDir}/${f}`, 'utf8')]),
      ];
      for (const secret of [...keys, pathToken]) {
        for (const [name, text] of haystacks) expect(text.includes(secret), `${secret} in ${name}`).toBe(false);
      }
      const diagnostics = JSON.parse(haystacks[0]![1]) as { servers: Array<{ id: string; url: string }> };
      expect(diagnostics.servers.find((s) => s.id === sid)?.url).toBe(
        `${base}/u/[redacted]/mcp?api-key=[redacted]&token=[redacted]&secret=[redacted]&auth=[redacted]`,
      );
      expect(haystacks[1]![1]).toContain(`${base}/u/[redacted]/mcp`);
    } finally {
      await core.removeServer(sid, { keepInClients: true });
    }
  }, 60_000);
});

/**
 * Hostile servers against the sign-in engine and the add-flow probe (issue 12, items 4 to 7): a
 * server the user signs in to, or only probes, tries to make MCP Switchboard read without end,
 * hand the user's API key or tokens to another origin, follow a redirect with them, or send
 * requests to this computer and its network.
 *
 * Real parts: the engine (AuthService with a file vault in a temp dir), the probe, and servers on
 * node:http(s) that answer exactly as scripted (test/fixtures/hostile-auth-server.ts). An
 * "attacker" listener on this computer records whoever comes. Stand-ins, because they cannot
 * exist here: a server "on the internet" is a fixture on 127.0.0.1 under a made-up public name —
 * for the engine, the test's network (`publicNetwork`) maps the name to the fixture's port and
 * refuses every other host; for the probe, a resolver sends the name to 127.0.0.1 and the fixture
 * has a self-signed certificate for it. The human in a browser sign-in is not needed: every
 * refusal here happens before a browser would open.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthService } from '../main/core/auth/auth-service';
import { FileSecretVault } from '../main/core/auth/file-vault';
import { TestBrowser } from '../main/core/auth/testing/test-browser';
import type { AuthServerConfig } from '../main/core/auth/types';
import { probeServer } from '../main/core/servers/probe';
import {
  HOSTILE_CLIENT,
  lookupFor,
  makeCertificate,
  publicNetwork,
  startHostileAuthServer,
  startScriptedServer,
  type HostileAuthServer,
  type ScriptedServer,
} from './fixtures/hostile-auth-server';

const MB = 1024 * 1024;
/** What a hostile server offers to pour: far more than any sign-in document. */
const FLOOD = 64 * MB;
/** What the engine or the probe may have taken of it (the bound, plus socket buffers). */
const READ_AT_MOST = 8 * MB;
const PUBLIC = 'https://mcp.hostile.test';

let dir: string;
let attacker: ScriptedServer;
const servers: ScriptedServer[] = [];
const engines: AuthService[] = [];
let logs: Array<{ level: string; message: string }>;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-hostile-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  logs = [];
  attacker = await startScriptedServer();
  servers.push(attacker);
});
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.dispose()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

let seq = 0;
function engine(fetchFn?: (input: string | URL, init?: RequestInit) => Promise<Response>): AuthService {
  const e = new AuthService({
    vault: new FileSecretVault(path.join(dir, `vault-${++seq}.json`)),
    opener: new TestBrowser(),
    log: (_id, level, message) => logs.push({ level, message }),
    callbackTimeoutMs: 10_000,
    httpTimeoutMs: 20_000,
    ...(fetchFn ? { fetch: fetchFn } : {}),
  });
  engines.push(e);
  return e;
}

async function hostile(opts: Parameters<typeof startHostileAuthServer>[0] = {}): Promise<HostileAuthServer> {
  const s = await startHostileAuthServer(opts);
  servers.push(s);
  return s;
}

function machine(s: HostileAuthServer, url = s.mcpUrl): AuthServerConfig {
  return { id: `srv-${++seq}`, name: 'Hostile', url, grantType: 'client_credentials', clientId: HOSTILE_CLIENT.id, clientSecret: HOSTILE_CLIENT.secret };
}

describe('4. every answer the sign-in engine reads is bounded', () => {
  // The SDK's discovery goes on without resource metadata it could not read (the origin's
  // authorization server): the sign-in may even succeed, but the document was not read.
  it('a 401 naming a huge resource metadata document: a few MB at most are read, and the log says why', async () => {
    const s = await hostile();
    s.routes.set('/mcp', (_req, res) => void res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${s.base}/huge"` }).end());
    s.routes.set('GET /huge', (_req, res) => s.pour(res, { total: FLOOD, head: '{"resource":"' }));
    await engine()
      .signIn(machine(s))
      .catch(() => undefined);
    expect(s.written).toBeLessThan(READ_AT_MOST);
    expect(logs.filter((l) => /\/huge answered with more than 1048576 bytes; it was not read/.test(l.message))).toHaveLength(1);
  });

  it('a Content-Length past the bound: refused before the body is read', async () => {
    const s = await hostile();
    s.routes.set('GET /.well-known/oauth-protected-resource/mcp', (_req, res) => s.pour(res, { total: FLOOD, contentLength: 10 * 1024 * MB }));
    await engine()
      .signIn(machine(s))
      .catch(() => undefined);
    expect(s.written).toBeLessThan(READ_AT_MOST);
    expect(logs.filter((l) => /oauth-protected-resource\/mcp answered with more than/.test(l.message))).toHaveLength(1);
  });

  it('a token endpoint that pours: the client-credentials sign-in reads a few MB at most', async () => {
    const s = await hostile();
    s.routes.set('POST /token', (_req, res) => s.pour(res, { total: FLOOD, head: '{"access_token":"' }));
    await expect(engine().signIn(machine(s))).rejects.toThrow(/larger than 1 MB/);
    expect(s.written).toBeLessThan(READ_AT_MOST);
  });

  it('with no user action: a 401 a proxy reports, naming a huge document, costs a few MB at most', async () => {
    const s = await hostile();
    const e = engine();
    const server = machine(s);
    await e.signIn(server);
    s.routes.set('GET /huge', (_req, res) => s.pour(res, { total: FLOOD, head: '{"resource":"' }));
    // As the proxy reports an upstream 401 (main/core/auth/token-broker.ts → onUnauthorized).
    const renewed = await e.onUnauthorized(server, { status: 401, wwwAuthenticate: `Bearer resource_metadata="${s.base}/huge"` });
    expect(renewed).toMatch(/^hostile-at-/);
    expect(s.written).toBeLessThan(READ_AT_MOST);
  });
});

describe('5. the add-flow probe posts the typed headers to the server’s own origin only', () => {
  /** A 2024-11-05 HTTP+SSE server whose `endpoint` event names `endpoint`. */
  async function legacyServer(endpoint: (self: ScriptedServer) => string): Promise<ScriptedServer> {
    const s = await startScriptedServer();
    servers.push(s);
    let stream: import('node:http').ServerResponse | undefined;
    s.routes.set('POST /sse', (_req, res) => void res.writeHead(405).end());
    s.routes.set('GET /sse', (_req, res) => {
      stream = res;
      res.writeHead(200, { 'content-type': 'text/event-stream' }).write(`event: endpoint\ndata: ${endpoint(s)}\n\n`);
    });
    s.routes.set('POST /messages', (req, res) => {
      const msg = JSON.parse(req.body) as { id: string };
      const result = { protocolVersion: '2024-11-05', capabilities: {}, serverInfo: { name: 'legacy-fixture', version: '1' } };
      stream?.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: msg.id, result })}\n\n`);
      res.writeHead(202).end();
    });
    return s;
  }
  const KEY = 'typed-api-key-5f1c0e9d7b';

  it('same origin (the control): the probe initializes through the announced endpoint', async () => {
    const s = await legacyServer((self) => `${self.origin}/messages?sessionId=1`);
    const r = await probeServer({ url: `${s.origin}/sse`, headers: { 'X-Api-Key': KEY } });
    expect(r).toMatchObject({ reachable: true, transport: 'sse', signIn: 'not-needed', serverName: 'legacy-fixture' });
    expect(s.requests.find((q) => q.method === 'POST' && q.path.startsWith('/messages'))?.headers['x-api-key']).toBe(KEY);
  });

  it.each([
    ['another port on this computer', () => `${attacker.origin}/messages?sessionId=1`],
    ['plain http to 0.0.0.0 (which reaches this computer)', () => `http://0.0.0.0:${attacker.port}/messages`],
  ])('an endpoint on another origin (%s): nothing is sent there, and the probe says why', async (_what, endpoint) => {
    const s = await legacyServer(endpoint);
    const r = await probeServer({ url: `${s.origin}/sse`, headers: { 'X-Api-Key': KEY } });
    expect(attacker.requests).toEqual([]);
    expect(r.transport).toBe('sse');
    expect(r.problem).toMatch(/another origin/);
  });
});

describe('6. token-bearing requests never follow a redirect', () => {
  it('revocation answered with a 307 to another origin: no token goes there, and the log says "not revoked"', async () => {
    const s = await hostile();
    const e = engine();
    const server = machine(s);
    await e.signIn(server);
    s.routes.set('POST /revoke', (_req, res) => void res.writeHead(307, { location: `${attacker.origin}/collect` }).end());
    await e.reset(server);
    expect(attacker.requests).toEqual([]);
    expect(s.requests.filter((q) => q.path === '/revoke')).toHaveLength(2);
    expect(logs.filter((l) => /Revoked/.test(l.message))).toEqual([]);
    expect(logs.filter((l) => l.level === 'warn' && /not revoked/i.test(l.message))).toHaveLength(2);
  });

  // The SDK's own token requests already follow redirects within the origin only (fetchWithinOrigin);
  // this keeps it so with the engine's fetch under them.
  it('a refresh answered with a 307: the refresh token does not follow it', async () => {
    const s = await hostile();
    const e = engine();
    const server = machine(s);
    await e.signIn(server);
    s.routes.set('POST /token', (_req, res) => void res.writeHead(307, { location: `${attacker.origin}/collect` }).end());
    await e.onUnauthorized(server, { status: 401 }).catch(() => undefined);
    expect(s.requests.filter((q) => q.path === '/token')).toHaveLength(2);
    expect(attacker.requests).toEqual([]);
  });
});

describe('7. a server on the internet cannot steer requests at this computer or its network', () => {
  async function publicServer(): Promise<{ s: HostileAuthServer; net: ReturnType<typeof publicNetwork> }> {
    const s = await hostile({ publicOrigin: PUBLIC });
    return { s, net: publicNetwork({ [PUBLIC]: s.origin }) };
  }

  it('the control: the same server under its public name signs in', async () => {
    const { s, net } = await publicServer();
    await engine(net.fetch).signIn(machine(s));
    expect(s.issued.length).toBeGreaterThan(0);
  });

  it('a token endpoint on plain http at 127.0.0.1: the client secret never goes there', async () => {
    const { s, net } = await publicServer();
    s.metadata.token_endpoint = `${attacker.origin}/token`;
    await expect(engine(net.fetch).signIn(machine(s))).rejects.toThrow(/token endpoint/);
    expect(attacker.requests).toEqual([]);
  });

  it.each([
    ['a token endpoint on a private network', { token_endpoint: 'https://10.0.0.7/token' }, {}, '10.0.0.7'],
    ['a registration endpoint at the cloud metadata address', { registration_endpoint: 'https://169.254.169.254/latest' }, {}, '169.254.169.254'],
    ['an authorization server on the router', {}, { authorization_servers: ['https://192.168.1.1'] }, '192.168.1.1'],
    ['a revocation endpoint on IPv6 loopback', { revocation_endpoint: 'https://[::1]:9/revoke' }, {}, '[::1]'],
  ])('%s: never contacted', async (_what, metadata, resourceMetadata, host) => {
    const { s, net } = await publicServer();
    Object.assign(s.metadata, metadata);
    Object.assign(s.resourceMetadata, resourceMetadata);
    const browserSignIn = 'registration_endpoint' in metadata;
    const server = browserSignIn ? { id: `srv-${++seq}`, name: 'Hostile', url: s.mcpUrl } : machine(s);
    await expect(engine(net.fetch).signIn(server)).rejects.toThrow(/Refusing|refus/);
    expect(net.asked.filter((u) => new URL(u).host.startsWith(host))).toEqual([]);
  });

  it('a 401 naming resource metadata on plain http at 127.0.0.1: not fetched', async () => {
    const { s, net } = await publicServer();
    s.routes.set('/mcp', (_req, res) => void res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${attacker.origin}/prm"` }).end());
    await engine(net.fetch)
      .signIn(machine(s))
      .catch(() => undefined);
    expect(attacker.requests).toEqual([]);
  });

  it('the first POST to the server answered with a 307 to this computer: not followed', async () => {
    const { s, net } = await publicServer();
    s.routes.set('/mcp', (_req, res) => void res.writeHead(307, { location: `${attacker.origin}/admin` }).end());
    await engine(net.fetch)
      .signIn(machine(s))
      .catch(() => undefined);
    expect(attacker.requests).toEqual([]);
  });

  // Metadata documents go through the SDK's fetchWithinOrigin; this keeps it so under the engine's fetch.
  it('a metadata document that redirects to this computer: the redirect is not followed', async () => {
    const { s, net } = await publicServer();
    s.routes.set('GET /.well-known/oauth-protected-resource/mcp', (_req, res) => void res.writeHead(302, { location: `${attacker.origin}/prm` }).end());
    await engine(net.fetch)
      .signIn(machine(s))
      .catch(() => undefined);
    expect(attacker.requests).toEqual([]);
  });

  it('the probe: a public https server’s 401 naming plain-http metadata on this computer is not fetched', async () => {
    const name = 'mcp.hostile.test';
    const tls = makeCertificate([name]);
    const s = await startScriptedServer({ tls });
    servers.push(s);
    s.routes.set('/mcp', (_req, res) => void res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${attacker.origin}/prm"` }).end());
    const r = await probeServer({ url: `https://${name}:${s.port}/mcp` }, { ca: tls.cert, lookup: lookupFor([name]) });
    expect(r).toMatchObject({ reachable: true, signIn: 'needed' });
    expect(attacker.requests).toEqual([]);
    // It still looked where it may: the server's own well-known locations.
    expect(s.requests.filter((q) => q.path.startsWith('/.well-known/oauth-protected-resource'))).not.toEqual([]);
  });

  it('the probe: plain-http metadata on another host is not fetched, even for a server on this computer', async () => {
    const s = await startScriptedServer();
    servers.push(s);
    s.routes.set(
      '/mcp',
      (_req, res) => void res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="http://0.0.0.0:${attacker.port}/prm"` }).end(),
    );
    const r = await probeServer({ url: `${s.origin}/mcp` });
    expect(r).toMatchObject({ reachable: true, signIn: 'needed' });
    expect(attacker.requests).toEqual([]);
  });
});

/**
 * The local attack surface of a running host (AppCore + bundled proxy children), checked on the
 * real files and sockets it creates: what another user of this computer can reach (nothing: the
 * directories are 0700, sockets and secrets 0600; as root the test really connects as another
 * uid), what a program of this user without the secret gets from the endpoints (a refusal), and
 * what a program listening where our sockets go gets from our clients (nothing: as root, a real
 * other uid squats the run directory; a same-uid impostor stands in for a Windows pipe made
 * first by another user, whose owner a client cannot check).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../main/core/app-core';
import { controlEndpoint } from '../main/shared/local-socket';
import { endpointFor, resolvePaths } from '../main/shared/paths';
import { loadOrCreateSecret } from '../main/shared/secret-file';
import { newNonce } from '../main/shared/handshake';
import { WIRE_VERSION } from '../main/shared/wire';
import { RENDERER_CSP } from '../main/electron/security-policy';
import { connectClient, makeTempHome, runCli, startCore, startHost, waitForState, type TempHome } from './fixtures/harness';
import { RawConnector } from './fixtures/raw-connector';
import { waitFor } from './fixtures/ports';
import { startHostileServer, type HostileServer } from './fixtures/hostile-server';

let server: HostileServer;
let home: TempHome;
let core: AppCore;
let id: string;

beforeAll(async () => {
  server = await startHostileServer({ oversize: 1 });
  // Under a temp directory other users can search, where there is one, so the other-uid test can run.
  home = makeTempHome(searchableTempDirs()[0] ?? os.tmpdir());
  // A data dir that already exists with the usual 0755 (made by an older version, or by hand).
  fs.mkdirSync(home.dataDir, { recursive: true, mode: 0o755 });
  fs.chmodSync(home.dataDir, 0o755);
  core = await startCore(home);
  id = (await core.addServer({ url: server.url, name: 'Local', headers: { 'X-Api-Key': 'static-key-attack-surface-1' } })).id;
  await waitForState(core, id, 'ready');
  // A client ran once: logs, the connector log and everything a session writes exist now.
  const c = await connectClient(home, id);
  await c.client.callTool({ name: 'ok', arguments: {} });
  await c.close();
}, 60_000);

afterAll(async () => {
  await core?.dispose();
  await server?.close();
  home?.cleanup();
});

function walk(dir: string): string[] {
  const out: string[] = [dir];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Sends `text` to a local endpoint and collects the answer until it closes. */
function exchange(endpoint: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(endpoint);
    let got = '';
    s.setEncoding('utf8');
    s.on('data', (d) => (got += d));
    s.on('close', () => resolve(got));
    s.on('error', reject);
    s.once('connect', () => s.write(text));
  });
}

const unix = process.platform !== 'win32';

/** The other user of this computer, for the tests that run as root. */
const OTHER = { uid: 4242, gid: 4242 };

/** Whether another user can walk down to `p`: every directory above it lets others search it. */
function othersCanWalkTo(p: string): boolean {
  for (let d = path.dirname(p); ; d = path.dirname(d)) {
    if ((fs.statSync(d).mode & 0o001) === 0) return false;
    if (d === path.dirname(d)) return true;
  }
}

/** Temp directories other users can search, the usual one first. */
function searchableTempDirs(): string[] {
  return [...new Set([os.tmpdir(), '/tmp', '/var/tmp', '/dev/shm'])].filter((d) => fs.existsSync(d) && othersCanWalkTo(path.join(d, 'x')));
}

/** Runs `code` on `exe` as the other user. */
function runAsOther(exe: string, code: string) {
  // The time limit only ends a hung child; a slow machine gets most of the test's own limit.
  return spawnSync(exe, ['-e', code], { ...OTHER, encoding: 'utf8', timeout: 25_000 });
}

/**
 * A Node runtime the other user can start: this one when they can reach it, else a hard link (or
 * a copy) of it in a temp directory they can search. A checkout under a 0700 directory (a clone in
 * a fresh `mktemp -d`) keeps its node_modules, and so process.execPath, out of their reach.
 * When no candidate runs for them, the reasons why.
 */
function runtimeForOther(): { exe: string; dispose(): void } | { reasons: string[] } {
  const reasons: string[] = [];
  const works = (exe: string) => {
    const r = runAsOther(exe, 'process.stdout.write("ok")');
    if (r.stdout === 'ok') return true;
    reasons.push(`${exe}: ${r.error?.message ?? `status ${r.status}, ${r.stderr.trim().slice(0, 200)}`}`);
    return false;
  };
  const own = process.execPath;
  if (othersCanWalkTo(own) && works(own)) return { exe: own, dispose() {} };
  const bases = searchableTempDirs();
  if (!bases.length) reasons.push('no temp directory other users can search');
  for (const base of bases) {
    const dir = fs.mkdtempSync(path.join(base, 'sb-node-'));
    const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
    try {
      fs.chmodSync(dir, 0o755);
      const exe = path.join(dir, 'node');
      // A hard link shares the original's mode: link only a runtime others may already run.
      const linked = (fs.statSync(own).mode & 0o005) === 0o005 && tryLink(own, exe);
      if (!linked) {
        fs.copyFileSync(own, exe);
        fs.chmodSync(exe, 0o755);
      }
      if (works(exe)) return { exe, dispose };
    } catch (err) {
      reasons.push(`${base}: ${(err as Error).message}`);
    }
    dispose();
  }
  return { reasons };
}

function tryLink(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(unix)('files and sockets are for this user only', () => {
  it('the data and run directories are 0700; the secret, the sockets and nothing else in them is readable by others', () => {
    const paths = resolvePaths(home.env);
    expect(fs.statSync(paths.dataDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(paths.runDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(paths.secretFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(endpointFor(paths, id)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(controlEndpoint(paths)).mode & 0o777).toBe(0o600);
    // Everything under them: no group or other bits on any directory, file or socket.
    const open = [...walk(paths.dataDir), ...walk(paths.runDir)]
      .map((p) => ({ p: path.relative(home.home, p), mode: fs.statSync(p).mode & 0o777 }))
      .filter((x) => (x.mode & 0o077) !== 0);
    expect(open).toEqual([]);
  });

  it.runIf(process.getuid?.() === 0)('another user (a real other uid) can neither connect nor read the secret', (ctx) => {
    const paths = resolvePaths(home.env);
    // Let the other uid walk to the data dir itself (the temp home is 0700 by mkdtemp): only our own modes decide.
    for (let d = path.dirname(paths.dataDir); d.startsWith(home.home); d = path.dirname(d)) fs.chmodSync(d, 0o755);
    if (!othersCanWalkTo(home.home)) {
      ctx.skip(`the temp home ${home.home} is under a directory other users cannot search, so a refusal would prove nothing`);
    }
    const runtime = runtimeForOther();
    if ('reasons' in runtime) return ctx.skip(`no Node runtime uid ${OTHER.uid} can start: ${runtime.reasons.join('; ')}`);
    try {
      const probe = `
        const net = require('node:net'), fs = require('node:fs');
        const out = {};
        try { fs.readdirSync(${JSON.stringify(home.home)}); out.home = 'ok'; } catch (e) { out.home = e.code; }
        try { fs.readFileSync(${JSON.stringify(paths.secretFile)}); out.read = 'ok'; } catch (e) { out.read = e.code; }
        const s = net.connect(${JSON.stringify(endpointFor(paths, id))});
        s.on('connect', () => { out.connect = 'ok'; s.destroy(); console.log(JSON.stringify(out)); });
        s.on('error', (e) => { out.connect = e.code; console.log(JSON.stringify(out)); });
      `;
      const r = runAsOther(runtime.exe, probe);
      expect(r.status, r.stderr).toBe(0);
      // It reached the home (so the refusals below are our modes' doing), and got no further.
      expect(JSON.parse(r.stdout)).toEqual({ home: 'ok', read: 'EACCES', connect: 'EACCES' });
    } finally {
      runtime.dispose();
    }
  });
});

describe.runIf(unix)('the endpoints refuse programs without the secret', () => {
  const line = (o: object) => JSON.stringify(o) + '\n';
  it.each([
    ['no hello at all, just JSON-RPC', () => '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}\n'],
    ['a hello without a nonce', () => line({ switchboard: WIRE_VERSION, server: id })],
    ['a version-1 hello carrying a secret', () => line({ switchboard: 1, secret: '0'.repeat(64), server: id })],
    ['an HTTP request (a browser or curl)', () => `GET / HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.example\r\n\r\n`],
  ])('proxy: %s → refused with one answer line, nothing relayed', async (_name, make) => {
    const answer = await exchange(endpointFor(resolvePaths(home.env), id), make());
    const lines = answer.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]).ok).toBe(false);
  });

  it('proxy: the right hello with a wrong proof (and JSON-RPC after it) → the challenge, one refusal, nothing relayed', async () => {
    const answer = await exchange(
      endpointFor(resolvePaths(home.env), id),
      line({ switchboard: WIRE_VERSION, server: id, nonce: newNonce() }) +
        line({ proof: '0'.repeat(64) }) +
        '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}\n',
    );
    const lines = answer
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({ ok: true, nonce: expect.any(String), proof: expect.any(String) }),
      { ok: false, error: 'wrong connector secret' },
    ]);
  });

  it('control socket: a wrong proof is refused and the calls after it are not run', async () => {
    const before = core.listServers().length;
    const answer = await exchange(
      controlEndpoint(resolvePaths(home.env)),
      line({ switchboard: WIRE_VERSION, server: 'control', nonce: newNonce() }) +
        line({ proof: '1'.repeat(64) }) +
        JSON.stringify({ id: 1, call: 'servers:remove', arg: { id } }) +
        '\n',
    );
    expect(
      answer
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).ok),
    ).toEqual([true, false]);
    expect(core.listServers().length).toBe(before);
  });

  it('the secret and header values never reach a proxy child’s argv or environment', () => {
    const pid = core.proxyPid(id)!;
    const secret = fs.readFileSync(resolvePaths(home.env).secretFile, 'utf8').trim();
    for (const f of ['cmdline', 'environ']) {
      const text = fs.readFileSync(`/proc/${pid}/${f}`, 'utf8');
      expect(text.includes(secret)).toBe(false);
      expect(text.includes('static-key-attack-surface-1')).toBe(false);
    }
  });
});

describe.runIf(unix)('a fresh install made by the command line or the connector is for this user only', () => {
  const modes = (t: TempHome) => Object.fromEntries(walk(t.dataDir).map((p) => [path.relative(t.home, p) || '.', (fs.statSync(p).mode & 0o777).toString(8)]));

  it('the connector run before anything else (it writes its log first): data and logs directories 0700, the log 0600', async () => {
    const t = makeTempHome(undefined, { fresh: true });
    try {
      const c = RawConnector.start(t, 'never-added', { MCP_SWITCHBOARD_APP_COMMAND: JSON.stringify(['true']), MCP_SWITCHBOARD_CONNECT_TIMEOUT_MS: '500' });
      expect(await initializeError(c)).toMatch(/never finished starting/);
      await c.close();
      expect(modes(t)).toEqual({ data: '700', 'data/logs': '700', 'data/logs/connector.log': '600' });
    } finally {
      t.cleanup();
    }
  });

  it('the command line adding the first server: data directory 0700, settings.json 0600', () => {
    const t = makeTempHome(undefined, { fresh: true });
    try {
      expect(runCli(t.env, 'add', 'https://mcp.example.com/mcp', '--header', 'X-Api-Key: fresh-install-key').code).toBe(0);
      const m = modes(t);
      expect(m).toMatchObject({ data: '700', 'data/settings.json': '600' });
      expect(Object.entries(m).filter(([, v]) => (parseInt(v, 8) & 0o077) !== 0)).toEqual([]);
    } finally {
      t.cleanup();
    }
  });
});

/** A program started as the other user, running until killed; resolves once it printed its first line. */
async function startAsOther(exe: string, code: string): Promise<{ first: string; kill(): void }> {
  const child = spawn(exe, ['-e', code], { ...OTHER, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  await waitFor(() => out.includes('\n') || child.exitCode !== null, `the other user's program to start (${err})`, 20_000);
  return { first: out.split('\n')[0], kill: () => child.kill('SIGKILL') };
}

/**
 * A listener on each of `endpoints` that records every byte it gets (in `log`) and acts as the
 * old protocol's host would for whoever talks to it: {"ok":true} to a hello, an empty list to a
 * call. It cannot prove it holds the secret.
 */
const SQUATTER = (endpoints: string[], log: string) => `
  const net = require('node:net'), fs = require('node:fs');
  let up = 0;
  for (const ep of ${JSON.stringify(endpoints)}) {
    try { fs.rmSync(ep, { force: true }); } catch {}
    net.createServer((s) => {
      let buf = '';
      s.on('error', () => {});
      s.on('data', (d) => {
        fs.appendFileSync(${JSON.stringify(log)}, d);
        buf += d;
        for (let nl = buf.indexOf('\\n'); nl !== -1; nl = buf.indexOf('\\n')) {
          let m = {}; try { m = JSON.parse(buf.slice(0, nl)) || {}; } catch {}
          buf = buf.slice(nl + 1);
          s.write(JSON.stringify(m.call ? { id: m.id, result: { ok: true, value: [] } } : { ok: true }) + '\\n');
        }
      });
    }).listen(ep, () => { fs.chmodSync(ep, 0o777); if (++up === ${endpoints.length}) console.log('listening'); });
  }
`;

const received = (log: string) => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '');

/** The connector as an MCP client starts it; it may not start anything else here. */
function startConnector(t: TempHome, serverId: string) {
  return RawConnector.start(t, serverId, { MCP_SWITCHBOARD_APP_COMMAND: JSON.stringify(['true']), MCP_SWITCHBOARD_CONNECT_TIMEOUT_MS: '3000' });
}

async function initializeError(c: RawConnector): Promise<string> {
  const answer = await c
    .request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } }, { timeoutMs: 10_000 })
    .catch((e: Error) => ({ error: { message: e.message } }));
  return String(answer?.error?.message ?? JSON.stringify(answer));
}

describe.runIf(unix)('a program listening where our sockets go gets nothing from our clients', () => {
  const asRoot = process.getuid?.() === 0;
  let runtime: ReturnType<typeof runtimeForOther> | undefined;
  const homes: TempHome[] = [];
  const stops: Array<() => void | Promise<void>> = [];
  const base = searchableTempDirs()[0];

  /** A temp home another user can walk through (so a refusal is our checks', not the home's mode). */
  function walkableHome(): TempHome {
    const t = makeTempHome(base ?? os.tmpdir());
    fs.chmodSync(t.home, 0o755);
    homes.push(t);
    return t;
  }

  afterAll(async () => {
    for (const stop of stops.splice(0)) await stop();
    if (runtime && !('reasons' in runtime)) runtime.dispose();
    for (const t of homes) t.cleanup();
  });

  function otherRuntime(ctx: { skip(note?: string): void }): string | undefined {
    if (!base) return void ctx.skip('no temp directory other users can search');
    runtime ??= runtimeForOther();
    if ('reasons' in runtime) return void ctx.skip(`no Node runtime uid ${OTHER.uid} can start: ${runtime.reasons.join('; ')}`);
    return runtime.exe;
  }

  it.runIf(asRoot)('another user cannot create the run directory of a data directory whose socket paths would be too long', async (ctx) => {
    const exe = otherRuntime(ctx);
    if (!exe) return;
    const t = walkableHome();
    // Socket paths in it would pass the limit: the run directory goes elsewhere (it used to be a
    // predictable name in the shared /tmp, anyone's to create first).
    const env = { ...t.env, MCP_SWITCHBOARD_HOME: path.join(t.home, 'd'.repeat(90)) };
    const paths = resolvePaths(env);
    expect(paths.runDir.startsWith(paths.dataDir)).toBe(false);
    const r = runAsOther(
      exe,
      `const fs = require('node:fs'), net = require('node:net');
       try { fs.mkdirSync(${JSON.stringify(paths.runDir)}, { recursive: true, mode: 0o777 }); } catch (e) { console.log(e.code); process.exit(0); }
       net.createServer().listen(${JSON.stringify(controlEndpoint(paths))}, () => { console.log('squatted'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); });`,
    );
    if (r.stdout.includes('squatted')) fs.rmSync(paths.runDir, { recursive: true, force: true });
    expect(r.stdout.trim()).toBe('EACCES');
    // And the host runs there: its sockets fit.
    const host = await startHost({ ...t, env });
    try {
      expect(fs.statSync(controlEndpoint(paths)).isSocket()).toBe(true);
      expect(fs.statSync(paths.runDir).mode & 0o777).toBe(0o700);
    } finally {
      await host.dispose();
    }
  });

  it.runIf(asRoot)('a run directory and sockets of another user (a real other uid) get no byte from the connector or the command line', async (ctx) => {
    const exe = otherRuntime(ctx);
    if (!exe) return;
    const t = walkableHome();
    fs.mkdirSync(t.dataDir, { recursive: true, mode: 0o755 });
    fs.chmodSync(t.dataDir, 0o755);
    const paths = resolvePaths(t.env);
    const secret = loadOrCreateSecret(paths.secretFile);
    // The run directory was made by the other user first.
    fs.mkdirSync(paths.runDir, { mode: 0o755 });
    fs.chownSync(paths.runDir, OTHER.uid, OTHER.gid);
    const log = path.join(paths.runDir, 'got.log');
    const squatter = await startAsOther(exe, SQUATTER([endpointFor(paths, 'victim'), controlEndpoint(paths)], log));
    stops.push(squatter.kill);
    expect(squatter.first).toBe('listening');
    expect(fs.statSync(endpointFor(paths, 'victim')).uid).toBe(OTHER.uid);

    const c = startConnector(t, 'victim');
    stops.push(() => c.close());
    expect(await initializeError(c)).toMatch(/refusing to connect: the socket directory .* belongs to another user/);
    const list = runCli(t.env, 'list');
    expect(list.code).not.toBe(0);
    expect(list.err).toMatch(/refusing to connect: the socket directory .* belongs to another user/);
    await c.close();
    expect(received(log)).toBe('');
    expect(received(log).includes(secret)).toBe(false);
  });

  it('a program of ours that holds the sockets without the secret (as a pipe made first on Windows) gets only a nonce; the app does not step aside for it', async () => {
    const t = makeTempHome();
    homes.push(t);
    const paths = resolvePaths(t.env);
    const secret = loadOrCreateSecret(paths.secretFile);
    fs.mkdirSync(paths.runDir, { mode: 0o700 });
    const log = path.join(t.home, 'got.log');
    const impostor = spawn(process.execPath, ['-e', SQUATTER([endpointFor(paths, 'victim'), controlEndpoint(paths)], log)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    stops.push(() => void impostor.kill('SIGKILL'));
    let up = '';
    impostor.stdout.setEncoding('utf8').on('data', (d) => (up += d));
    await waitFor(() => up.includes('listening'), 'the impostor to listen');

    const c = startConnector(t, 'victim');
    stops.push(() => c.close());
    expect(await initializeError(c)).toMatch(/could not prove it is MCP Switchboard for this data directory/);
    await c.close();
    const list = runCli(t.env, 'list');
    expect(list.code).not.toBe(0);
    expect(list.err).toMatch(/could not prove it is MCP Switchboard for this data directory/);
    await expect(startHost(t)).rejects.toThrow(/Another program holds MCP Switchboard's control endpoint/);

    // What it got: one hello line per connection, with a nonce and nothing derived from the secret.
    const lines = received(log).split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const l of lines) expect(Object.keys(JSON.parse(l)).sort()).toEqual(['nonce', 'server', 'switchboard']);
    expect(received(log).includes(secret)).toBe(false);
  });
});

describe('the renderer', () => {
  it('has no network and no inline or eval script: its CSP', () => {
    const d = Object.fromEntries(
      RENDERER_CSP.split(';')
        .map((x) => x.trim().split(/\s+/))
        .map(([k, ...v]) => [k, v]),
    );
    expect(d['default-src']).toEqual(["'none'"]);
    expect(d['connect-src']).toEqual(["'none'"]);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(RENDERER_CSP).not.toMatch(/unsafe-eval|unsafe-inline|\*|https?:/);
  });
});

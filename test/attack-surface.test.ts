/**
 * The local attack surface of a running host (AppCore + bundled proxy children), checked on the
 * real files and sockets it creates: what another user of this computer can reach (nothing: the
 * directories are 0700, sockets and secrets 0600; as root the test really connects as another
 * uid), and what a program of this user without the secret gets from the endpoints (a refusal).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../main/core/app-core';
import { controlEndpoint } from '../main/shared/local-socket';
import { endpointFor, resolvePaths } from '../main/shared/paths';
import { encodeHello, WIRE_VERSION } from '../main/shared/wire';
import { RENDERER_CSP } from '../main/electron/security-policy';
import { connectClient, makeTempHome, startCore, waitForState, type TempHome } from './fixtures/harness';
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
  fs.mkdirSync(home.dataDir, { mode: 0o755 });
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
  it.each([
    ['no hello at all, just JSON-RPC', () => '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}\n'],
    ['a hello without a secret', () => encodeHello({ switchboard: WIRE_VERSION, server: id } as never)],
    ['a wrong secret of the right length', () => encodeHello({ switchboard: WIRE_VERSION, secret: '0'.repeat(64), server: id })],
    ['an HTTP request (a browser or curl)', () => `GET / HTTP/1.1\r\nHost: localhost\r\nOrigin: https://evil.example\r\n\r\n`],
  ])('proxy: %s → refused with one answer line, nothing relayed', async (_name, make) => {
    const answer = await exchange(endpointFor(resolvePaths(home.env), id), make());
    const lines = answer.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]).ok).toBe(false);
  });

  it('control socket: a wrong secret is refused and the calls after it are not run', async () => {
    const before = core.listServers().length;
    const answer = await exchange(
      controlEndpoint(resolvePaths(home.env)),
      encodeHello({ switchboard: WIRE_VERSION, secret: '1'.repeat(64), server: 'control' }) +
        JSON.stringify({ id: 1, call: 'servers:remove', arg: { id } }) +
        '\n',
    );
    expect(
      answer
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).ok),
    ).toEqual([false]);
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

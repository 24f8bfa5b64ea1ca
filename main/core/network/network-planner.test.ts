/**
 * The one decision of where each request goes and what it trusts (NetworkPlanner), on real files
 * (CA files, a 0600 file vault) and a resolver that answers as Chromium's would.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppSettings } from '../../../common/contract';
import { FileSecretVault } from '../auth/file-vault';
import { DEFAULT_SETTINGS } from '../settings';
import type { ServerRecord } from '../servers/server-model';
import { APP_PROXY, NetworkPlanner } from './network-planner';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const CERT = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----';

function planner(o: { env?: Record<string, string>; settings?: Partial<AppSettings>; records?: ServerRecord[]; pac?: string } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-net-'));
  dirs.push(dir);
  const vault = new FileSecretVault(path.join(dir, 'secrets.json'));
  const logs: string[] = [];
  const secrets: string[] = [];
  const asked: string[] = [];
  const p = new NetworkPlanner({
    env: o.env ?? {},
    settings: () => ({ ...DEFAULT_SETTINGS, ...o.settings }),
    registry: { get: (id) => o.records?.find((r) => r.id === id) },
    vault,
    resolver: o.pac === undefined ? undefined : { resolve: async (url) => (asked.push(url), o.pac!) },
    secrets: { add: (...v) => secrets.push(...(v.filter(Boolean) as string[])) },
    log: (_id, _level, m) => logs.push(m),
  });
  return { p, dir, logs, secrets, asked };
}

const record = (over: Partial<ServerRecord>): ServerRecord => ({
  id: 's',
  name: 'S',
  url: 'https://mcp.example.com/mcp',
  enabled: true,
  headers: {},
  createdAt: 0,
  ...over,
});

describe('NetworkPlanner: the route', () => {
  it("a server's own override wins: direct, or its proxy URL with the vault's password", async () => {
    const { p, secrets } = planner({
      env: { HTTPS_PROXY: 'http://env:1' },
      records: [record({ id: 'd', proxy: 'direct' }), record({ id: 'o', proxy: 'http://ann@own:3128' })],
    });
    expect((await p.forRequest('d', 'https://mcp.example.com/mcp')).route).toEqual({ kind: 'direct' });
    await p.storeProxyPasswordOf('o', 'http://ann:pw-1@own:3128');
    expect((await p.forRequest('o', 'https://mcp.example.com/mcp')).route).toEqual({
      kind: 'proxy',
      url: 'http://own:3128',
      username: 'ann',
      password: 'pw-1',
    });
    expect(secrets).toContain('pw-1');
  });

  it("the environment's proxy when it names one for the scheme (NO_PROXY first), else the system's settings (PAC answers), else direct", async () => {
    const env = planner({ env: { https_proxy: 'http://env:1', no_proxy: 'internal.corp' }, pac: 'PROXY pac:2' });
    expect((await env.p.forRequest(undefined, 'https://mcp.example.com/')).route).toEqual({ kind: 'proxy', url: 'http://env:1' });
    expect((await env.p.forRequest(undefined, 'https://x.internal.corp/')).route).toEqual({ kind: 'direct' });
    expect(env.asked).toEqual([]);
    // http targets: no HTTP_PROXY here, so the system's settings decide.
    expect((await env.p.forRequest(undefined, 'http://127.0.0.1:9/')).route).toEqual({ kind: 'proxy', url: 'http://pac:2' });
    const system = planner({ pac: 'PROXY pac:2; DIRECT' });
    expect((await system.p.forRequest(undefined, 'https://mcp.example.com/a')).route).toEqual({ kind: 'proxy', url: 'http://pac:2' });
    await system.p.forRequest(undefined, 'https://mcp.example.com/b');
    expect(system.asked).toEqual(['https://mcp.example.com/a']); // one question per origin for a while
    expect((await planner().p.forRequest(undefined, 'https://mcp.example.com/')).route).toEqual({ kind: 'direct' });
  });

  it("a system or environment proxy without credentials gets Settings ▸ Network's user and the vault's password", async () => {
    const { p } = planner({ pac: 'PROXY pac:2', settings: { proxyUsername: 'ann' } });
    await p.storeProxyPassword(APP_PROXY, 'app-pw');
    expect((await p.forRequest(undefined, 'https://mcp.example.com/')).route).toEqual({
      kind: 'proxy',
      url: 'http://pac:2',
      username: 'ann',
      password: 'app-pw',
    });
    await p.storeProxyPassword(APP_PROXY, null);
    expect((await p.forRequest(undefined, 'https://mcp.example.com/')).route).toEqual({ kind: 'proxy', url: 'http://pac:2', username: 'ann' });
  });

  it('a resolver that fails means direct, said once', async () => {
    const { p, logs } = planner({});
    const failing = new NetworkPlanner({
      ...(p as unknown as { o: ConstructorParameters<typeof NetworkPlanner>[0] }).o,
      resolver: { resolve: async () => Promise.reject(new Error('no network service')) },
    });
    expect((await failing.forRequest(undefined, 'https://a.test/')).route).toEqual({ kind: 'direct' });
    expect(logs.join('\n')).toMatch(/Could not read the system's proxy settings \(no network service\); connecting directly/);
  });
});

describe('NetworkPlanner: the trust', () => {
  it("NODE_EXTRA_CA_CERTS, Settings ▸ Network's CA file and the server's own, read here; an unreadable one said once", async () => {
    const { dir } = planner();
    const f = (n: string) => {
      const file = path.join(dir, n);
      fs.writeFileSync(file, CERT.replace('fake', n));
      return file;
    };
    const { p, logs } = planner({
      env: { NODE_EXTRA_CA_CERTS: f('extra') },
      settings: { caFile: f('app') },
      records: [record({ caFile: f('own') }), record({ id: 'gone', caFile: path.join(dir, 'missing.pem') })],
    });
    const net = await p.forServer(record({ caFile: f('own') }));
    expect(net.extraCa?.map((c) => /MIIB(\w+)/.exec(c)![1])).toEqual(['extra', 'app', 'own']);
    await p.forRequest('gone', 'https://mcp.example.com/');
    await p.forRequest('gone', 'https://mcp.example.com/');
    expect(logs.filter((l) => l.includes('missing.pem'))).toEqual([
      `This server's CA file ${path.join(dir, 'missing.pem')} cannot be read (no such file); it is not trusted`,
    ]);
  });

  it("the probe takes the Advanced fields as typed (a proxy's password in memory only)", async () => {
    const { p } = planner();
    const net = await p.forProbe({ url: 'https://mcp.example.com/', proxy: 'http://ann:typed@p:3128' });
    expect(net?.route).toEqual({ kind: 'proxy', url: 'http://p:3128', username: 'ann', password: 'typed' });
    expect((await p.forProbe({ url: 'https://mcp.example.com/', proxy: 'direct' }))?.route).toEqual({ kind: 'direct' });
  });
});

/**
 * The registries against a real local registry (test/fixtures/registry-server.ts: the v0.1 API over
 * entries in the registry's format), a real settings.json (conf) and a real 0600 file vault in a
 * temp dir. Slow, failing, hostile and token-protected registries are variants of the same server.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureEntries, startRegistryServer, type RawItem, type RegistryServer } from '../../../test/fixtures/registry-server';
import { FileSecretVault } from '../auth/file-vault';
import { openSettingsStore } from '../settings-store';
import { MAX_DESCRIPTION } from './registry-entry';
import { FakeClock } from '../testing/fake-clock';
import { describeUpdate, LATEST_TTL_MS, OFFICIAL_ID, parseRegistryUrl, RegistryService } from './registry-service';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function registry(opts: Parameters<typeof startRegistryServer>[0] = {}): Promise<RegistryServer> {
  const r = await startRegistryServer(opts);
  cleanup.push(() => r.close());
  return r;
}

function service(
  officialUrl: string,
  o: { timeoutMs?: number; maxBytes?: number; servers?: Record<string, { url: string; headers: Record<string, string> }>; clock?: FakeClock } = {},
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-reg-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = openSettingsStore({ dataDir: dir } as never, { watch: false });
  const vault = new FileSecretVault(path.join(dir, 'secrets.json'));
  const opened: string[] = [];
  const secrets: string[] = [];
  const svc = new RegistryService({
    store,
    vault,
    fetchFor: async () => globalThis.fetch,
    opener: { open: async (url) => void opened.push(url) },
    secrets: { add: (...v) => secrets.push(...(v.filter(Boolean) as string[])) },
    servers: { get: (id) => o.servers?.[id] },
    officialUrl,
    timeoutMs: o.timeoutMs,
    maxBytes: o.maxBytes,
    clock: o.clock,
  });
  return { svc, dir, opened, secrets, settingsFile: path.join(dir, 'settings.json'), vaultFile: path.join(dir, 'secrets.json') };
}

describe('RegistryService: search and entries', () => {
  it('lists latest versions with remote endpoints, tagged with their registry; counts local-only packages; drops deleted ones', async () => {
    const reg = await registry();
    const { svc } = service(reg.url);
    const page = await svc.search({ registryId: OFFICIAL_ID, query: 'example' });
    expect(reg.requests.at(-1)!.query).toMatchObject({ search: 'example', version: 'latest', limit: '30' });
    const names = page.entries.map((e) => e.name);
    // "example" is in the description of the filesystem package only via… nothing: search matches name and description.
    expect(names).toEqual(expect.arrayContaining(['com.example/weather', 'com.example/old-search']));
    expect(names).not.toContain('com.example/gone');
    expect(page.entries.every((e) => e.registryId === 'official' && e.registryName === 'MCP Registry')).toBe(true);
    expect(page.entries.find((e) => e.name === 'com.example/old-search')!.status).toBe('deprecated');
    const weather = page.entries.find((e) => e.name === 'com.example/weather')!;
    expect(weather).toMatchObject({ title: 'Weather', publisher: 'com.example', version: '2.3.1', repositoryUrl: 'https://gitlab.com/example/weather-mcp' });
    expect(weather.remotes).toEqual([{ transport: 'streamable-http', url: 'https://weather.example.com/mcp', headers: [], variables: [] }]);
  });

  it('matches descriptions too, and counts a package without remotes as local-only', async () => {
    const reg = await registry();
    const { svc } = service(reg.url);
    const page = await svc.search({ registryId: OFFICIAL_ID, query: 'files on this computer' });
    expect(page.entries).toEqual([]);
    expect(page.localOnly).toBe(1);
  });

  it('pages with the cursor until the last page', async () => {
    const reg = await registry();
    const { svc } = service(reg.url);
    const first = await svc.search({ registryId: OFFICIAL_ID, query: 'fleet' });
    expect(first.entries).toHaveLength(30);
    expect(first.nextCursor).toBeTruthy();
    const second = await svc.search({ registryId: OFFICIAL_ID, query: 'fleet', cursor: first.nextCursor });
    expect(second.entries).toHaveLength(10);
    expect(second.nextCursor).toBeUndefined();
    expect(new Set([...first.entries, ...second.entries].map((e) => e.name)).size).toBe(40);
  });

  it('gets the latest version of one server: streamable HTTP first, headers with their descriptions, secrets marked and never prefilled', async () => {
    const reg = await registry();
    const { svc } = service(reg.url);
    const e = await svc.entry(OFFICIAL_ID, 'io.github.acme/issues');
    expect(reg.requests.at(-1)!.path).toBe('/v0.1/servers/io.github.acme%2Fissues/versions/latest');
    expect(e.version).toBe('1.1.0');
    expect(e.remotes.map((r) => r.transport)).toEqual(['streamable-http', 'sse']);
    expect(e.remotes[0]!.headers).toEqual([
      { name: 'X-Acme-Workspace', description: 'Your workspace slug, as in acme.example/<slug>.', required: true, secret: false },
      { name: 'X-Api-Key', description: 'An API key from Settings › API keys.', required: true, secret: true },
    ]);
    const notes = await svc.entry(OFFICIAL_ID, 'io.github.octo/notes');
    expect(notes.remotes[0]!.variables).toEqual([
      { name: 'region', description: 'Where your notebook lives: eu or us.', required: true, secret: false, value: 'eu', choices: ['eu', 'us'] },
    ]);
    await expect(svc.entry(OFFICIAL_ID, 'io.github.someone/filesystem')).rejects.toThrow(/no remote endpoint: it is a package to run on this computer/);
    await expect(svc.entry(OFFICIAL_ID, 'io.github.nobody/none')).rejects.toThrow(/has no such server \(404\)/);
  });
});

describe('RegistryService: registries that misbehave', () => {
  it('a slow registry gets a clear sentence at its time limit, and answers once it is back', async () => {
    const reg = await registry({ mode: 'slow' });
    const { svc } = service(reg.url, { timeoutMs: 300 });
    await expect(svc.search({ registryId: OFFICIAL_ID, query: 'weather' })).rejects.toThrow(`The registry ${new URL(reg.url).host} did not answer within 0 s.`);
    reg.release();
    expect((await svc.search({ registryId: OFFICIAL_ID, query: 'weather' })).entries.map((e) => e.name)).toEqual(['com.example/weather']);
  });

  it('a failing registry says what it answered', async () => {
    const reg = await registry({ mode: 'failing' });
    const { svc } = service(reg.url);
    await expect(svc.search({ registryId: OFFICIAL_ID, query: '' })).rejects.toThrow(/answered 500 Internal Server Error; try again later/);
  });

  it('an answer past the size bound is refused without reading it all', async () => {
    const reg = await registry({ mode: 'hostile' });
    const { svc } = service(reg.url, { maxBytes: 64 * 1024 });
    await expect(svc.search({ registryId: OFFICIAL_ID, query: '' })).rejects.toThrow(/sent more than 64 KB; it was not read/);
  });

  it('a hostile registry: text made plain and bounded, only http(s) links, no prefilled secret, bad entries skipped with the reason', async () => {
    const reg = await registry({ mode: 'hostile' });
    const { svc, opened } = service(reg.url);
    const page = await svc.search({ registryId: OFFICIAL_ID, query: '' });
    const huge = page.entries.find((e) => e.name === 'evil.example/huge')!;
    expect(huge.description.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
    expect(huge.description).not.toMatch(/[<>]/);
    expect(huge.description.startsWith('Bold claims AAAA')).toBe(true);
    expect(huge.title).toBe('Huge');
    expect(huge.repositoryUrl).toBeUndefined();
    expect(huge.websiteUrl).toBeUndefined();
    const token = huge.remotes[0]!.headers[0]!;
    expect(token).toMatchObject({ name: 'X-Token', secret: true, required: true });
    expect(token.value).toBeUndefined();
    expect(token.description).not.toMatch(/[\u202a-\u202e]/);
    expect(page.entries.map((e) => e.name).sort()).toEqual(['evil.example/huge', 'good.example/fine']);
    expect(page.entries.find((e) => e.name === 'good.example/fine')!.description).toBe('A perfectly normal server.');
    expect(page.skipped).toEqual([
      'evil.example/redirector: no remote endpoint this app can use (https, streamable-http or sse)',
      'evil.example/no-version: server.version is missing',
      'evil.example/bad-remote: server.remotes.0.url must be string',
      'entry 5: the entry must be object',
    ]);
    // Links open only from what the core kept, and only http(s).
    await expect(svc.openLink(OFFICIAL_ID, 'evil.example/huge', 'repository')).rejects.toThrow(/no repository link/);
    await svc.openLink(OFFICIAL_ID, 'good.example/fine', 'repository');
    expect(opened).toEqual(['https://github.com/good/fine']);
  });
});

describe('RegistryService: Settings ▸ Registries', () => {
  it('the official registry is on by default; turned off, it is not asked', async () => {
    const reg = await registry();
    const { svc } = service(reg.url);
    expect(await svc.sources()).toEqual([{ id: 'official', name: 'MCP Registry', url: reg.url, official: true, enabled: true, hasToken: false }]);
    await svc.updateSource({ registryId: OFFICIAL_ID, enabled: false });
    expect((await svc.sources())[0]!.enabled).toBe(false);
    const before = reg.requests.length;
    await expect(svc.search({ registryId: OFFICIAL_ID, query: 'x' })).rejects.toThrow('MCP Registry is turned off in Settings ▸ Registries.');
    expect(reg.requests.length).toBe(before);
    await expect(svc.removeSource(OFFICIAL_ID)).rejects.toThrow(/cannot be removed; turn it off/);
  });

  it('a private registry with a token: the token goes to that registry only, lives in the vault, never in settings or the sources', async () => {
    const official = await registry();
    const company = await registry({ token: 'corp-token-123456', entries: fixtureEntries().slice(2, 3) });
    const { svc, settingsFile, vaultFile, secrets } = service(official.url);
    const added = await svc.addSource({ url: `${company.url}/v0.1/servers`, name: 'Acme <b>internal</b>', token: 'corp-token-123456' });
    expect(added).toMatchObject({ name: 'Acme internal', url: company.url, official: false, enabled: true, hasToken: true });
    expect(JSON.stringify(await svc.sources())).not.toContain('corp-token');
    expect(fs.readFileSync(settingsFile, 'utf8')).not.toContain('corp-token');
    expect(fs.readFileSync(vaultFile, 'utf8')).toContain('corp-token-123456');
    expect(secrets).toContain('corp-token-123456');
    const page = await svc.search({ registryId: added.id, query: '' });
    expect(page.entries.map((e) => [e.name, e.registryId, e.registryName])).toEqual([['com.example/weather', added.id, 'Acme internal']]);
    expect(company.requests.at(-1)!.bearer).toBe('corp-token-123456');
    await svc.search({ registryId: OFFICIAL_ID, query: '' });
    expect(official.requests.every((r) => !r.authorized)).toBe(true);
    // The token removed: the registry refuses, and the sentence says where the token goes.
    await svc.updateSource({ registryId: added.id, token: null });
    await expect(svc.search({ registryId: added.id, query: '' })).rejects.toThrow(/refused the request \(401\): it may need a token \(Settings ▸ Registries\)/);
    await svc.removeSource(added.id);
    expect((await svc.sources()).map((s) => s.id)).toEqual(['official']);
  });

  it("a private registry's token never follows a redirect to another host", async () => {
    const elsewhere = await registry();
    const moved = await registry({ redirectTo: elsewhere.url });
    const { svc } = service(elsewhere.url);
    const added = await svc.addSource({ url: moved.url, token: 'corp-token-redirect' });
    await expect(svc.search({ registryId: added.id, query: '' })).rejects.toThrow(/redirected elsewhere \(302\); give its final address/);
    expect(elsewhere.requests).toEqual([]);
    // Without a token a moved registry is followed.
    const openMoved = await registry({ redirectTo: elsewhere.url });
    const plain = await svc.addSource({ url: openMoved.url });
    expect((await svc.search({ registryId: plain.id, query: 'weather' })).entries.map((e) => e.name)).toEqual(['com.example/weather']);
    expect(elsewhere.requests.every((r) => !r.authorized)).toBe(true);
  });

  it('refuses registry URLs it must not use, with the reason', () => {
    expect(() => parseRegistryUrl('http://registry.example.com')).toThrow(/https:\/\//);
    expect(() => parseRegistryUrl('https://u:p@registry.example.com')).toThrow(/token field/);
    expect(() => parseRegistryUrl('javascript:alert(1)')).toThrow(/https/);
    expect(() => parseRegistryUrl('registry')).toThrow(/is not a URL/);
    expect(parseRegistryUrl('https://registry.example.com/api/v0.1/servers')).toBe('https://registry.example.com/api');
  });
});

describe('RegistryService: servers added from a registry', () => {
  it('offers the newer version when it moved the address and asks for new headers', async () => {
    const reg = await registry();
    const servers = { s1: { url: 'https://mcp.acme.example/mcp', headers: {} } };
    const { svc, settingsFile } = service(reg.url, { servers });
    expect(await svc.checkUpdate('s1')).toBeNull();
    svc.rememberOrigin('s1', { registryId: OFFICIAL_ID, name: 'io.github.acme/issues', version: '1.0.0' });
    const update = (await svc.checkUpdate('s1'))!;
    expect(update).toMatchObject({ serverId: 's1', current: '1.0.0', latest: '1.1.0', url: 'https://mcp.acme.example/v2/mcp' });
    expect(update.changes).toEqual([
      'The address changed to https://mcp.acme.example/v2/mcp.',
      'A new required header X-Acme-Workspace: Your workspace slug, as in acme.example/<slug>.',
      'A new required header X-Api-Key: An API key from Settings › API keys.',
    ]);
    svc.markUpdated('s1', '1.1.0');
    expect(await svc.checkUpdate('s1')).toBeNull();
    // Forgotten (removed, or an abandoned add): in the settings file too.
    svc.forgetOrigin('s1');
    svc.forgetOrigin('never-added');
    expect(svc.origin('s1')).toBeUndefined();
    expect(JSON.parse(fs.readFileSync(settingsFile, 'utf8')).registryOrigins ?? {}).toEqual({});
  });

  it('update checks reuse the latest version for a while (the registry asks hosts to cache); applying asks again', async () => {
    const reg = await registry();
    const clock = new FakeClock(1_000_000);
    const { svc } = service(reg.url, { clock, servers: { s1: { url: 'https://mcp.acme.example/mcp', headers: {} } } });
    svc.rememberOrigin('s1', { registryId: OFFICIAL_ID, name: 'io.github.acme/issues', version: '1.0.0' });
    const asked = () => reg.requests.filter((r) => r.path.endsWith('/versions/latest')).length;
    expect((await svc.checkUpdate('s1'))!.latest).toBe('1.1.0');
    expect((await svc.checkUpdate('s1'))!.latest).toBe('1.1.0');
    expect(asked()).toBe(1);
    expect(await svc.checkUpdate('s1', true)).not.toBeNull();
    expect(asked()).toBe(2);
    clock.advance(LATEST_TTL_MS);
    await svc.checkUpdate('s1');
    expect(asked()).toBe(3);
  });

  it('a newer version that changes nothing the server uses is no update', () => {
    const entry = {
      registryId: 'official',
      registryName: 'MCP Registry',
      name: 'a/b',
      description: '',
      version: '2',
      publisher: 'a',
      status: 'active' as const,
      remotes: [
        { transport: 'streamable-http' as const, url: 'https://a.example/mcp', headers: [{ name: 'X-Opt', required: false, secret: false }], variables: [] },
      ],
    };
    expect(describeUpdate('s', { registryId: 'official', name: 'a/b', version: '1' }, { url: 'https://a.example/mcp', headers: {} }, entry)).toBeNull();
  });
});

describe('RegistryService: a pasted domain', () => {
  const card = (url: string): RawItem['server'] => ({
    name: 'com.example/docs',
    title: 'Example Docs',
    description: 'Search the docs.',
    version: '3.0.0',
    remotes: [{ type: 'streamable-http', url, headers: [{ name: 'X-Team', isRequired: true, description: 'Your team.' }] }],
  });

  it('finds the server card an AI catalog lists', async () => {
    const site = await registry({
      documents: {
        '/.well-known/ai-catalog.json': {
          specVersion: '1.0',
          entries: [
            { type: 'text/html', url: '/x' },
            { type: 'application/mcp-server-card+json', url: '/cards/docs.json' },
          ],
        },
        '/cards/docs.json': card('https://docs.example.com/mcp'),
      },
    });
    const { svc } = service('http://127.0.0.1:9');
    const entry = (await svc.resolveDomain(site.url))!;
    expect(entry).toMatchObject({ registryId: 'card', registryName: new URL(site.url).host, name: 'com.example/docs', title: 'Example Docs' });
    expect(entry.remotes[0]).toMatchObject({ url: 'https://docs.example.com/mcp', headers: [{ name: 'X-Team', required: true }] });
  });

  it('falls back to /.well-known/mcp/server-card.json, then <url>/server-card; null when the site publishes nothing', async () => {
    const wellKnown = await registry({ documents: { '/.well-known/mcp/server-card.json': card('https://wk.example.com/mcp') } });
    const { svc } = service('http://127.0.0.1:9');
    expect((await svc.resolveDomain(wellKnown.url))!.remotes[0]!.url).toBe('https://wk.example.com/mcp');
    const under = await registry({ documents: { '/mcp/server-card': { name: 'com.example/under', description: 'Under.', version: '1.0.0' } } });
    expect((await svc.resolveDomain(`${under.url}/mcp`))!.remotes[0]!.url).toBe(`${under.url}/mcp`);
    const nothing = await registry({ entries: [] });
    expect(await svc.resolveDomain(nothing.url)).toBeNull();
    expect(await svc.resolveDomain('linear')).toBeNull();
  });
});

/**
 * Registries through the whole host (createHost with the headless ports): the handler table, the
 * RegistryService and the NetworkPlanner's route. The company registry sits "inside" a company
 * network (test/fixtures/network.ts: it serves only the forward proxy's egress address), so a
 * search that did not go through HTTP_PROXY fails; its token goes to it alone and never reaches
 * settings.json or anything the window is sent.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../main/core/host';
import { CLI_SCRIPT, makeTempHome, startHost, type TempHome } from './fixtures/harness';
import { INSIDE, PROXY_EGRESS, startForwardProxy } from './fixtures/network';
import { startRegistryServer } from './fixtures/registry-server';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function host(env: Record<string, string>, officialUrl: string): Promise<{ host: Host; home: TempHome }> {
  const home = makeTempHome();
  Object.assign(home.env, env);
  cleanup.push(() => home.cleanup());
  const h = await startHost(home, { registry: { officialUrl } });
  cleanup.push(() => h.dispose());
  return { host: h, home };
}

describe('registries in the host', () => {
  it('a company registry behind the proxy: searched through HTTP_PROXY with its token; the token stays in the vault', async () => {
    const proxy = await startForwardProxy();
    cleanup.push(() => proxy.close());
    const official = await startRegistryServer({ entries: [] });
    cleanup.push(() => official.close());
    const company = await startRegistryServer({ listenHost: INSIDE, onlyFrom: PROXY_EGRESS, token: 'corp-token-net' });
    cleanup.push(() => company.close());
    const { host: h, home } = await host({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, official.url);

    const added = await h.call('registry:add-source', { url: company.url, name: 'Acme internal', token: 'corp-token-net' });
    expect(added.ok, JSON.stringify(added)).toBe(true);
    const id = (added as { value: { id: string } }).value.id;
    const page = await h.call('registry:search', { registryId: id, query: 'weather' });
    expect(page).toMatchObject({ ok: true, value: { registryId: id, entries: [{ name: 'com.example/weather', registryName: 'Acme internal' }] } });
    // (It serves only the proxy's egress address: the answer itself shows the route; the proxy saw it too.)
    expect(proxy.seen.some((line) => line.includes(new URL(company.url).host))).toBe(true);
    expect(company.requests.at(-1)!.bearer).toBe('corp-token-net');
    // NO_PROXY names the official one (on 127.0.0.1): asked directly, without the token.
    expect((await h.call('registry:search', { registryId: 'official', query: 'x' })).ok).toBe(true);
    expect(official.requests.every((r) => !r.authorized)).toBe(true);
    expect(proxy.seen.some((line) => line.includes(new URL(official.url).host))).toBe(false);

    const sources = await h.call('registry:sources');
    expect(JSON.stringify(sources)).not.toContain('corp-token-net');
    const settings = fs.readFileSync(path.join(home.dataDir, 'settings.json'), 'utf8');
    expect(settings).not.toContain('corp-token-net');
    expect(JSON.parse(settings).registries.sources).toEqual([{ id, name: 'Acme internal', url: company.url, enabled: true }]);
  });

  it('without the proxy the company registry cannot be reached, and the sentence says so', async () => {
    const official = await startRegistryServer({ entries: [] });
    cleanup.push(() => official.close());
    const company = await startRegistryServer({ listenHost: INSIDE, onlyFrom: PROXY_EGRESS });
    cleanup.push(() => company.close());
    const { host: h } = await host({}, official.url);
    const added = (await h.call('registry:add-source', { url: company.url })) as { ok: true; value: { id: string } };
    const r = await h.call('registry:search', { registryId: added.value.id, query: '' });
    expect(r.ok).toBe(false);
    expect((r as { error: string }).error).toMatch(new RegExp(`^The registry ${company.url.slice(7).replace(/\./g, '\\.')} could not be reached`));
  });
});

/** The bundled CLI, run without blocking this process (the registries answering it live here). */
function runCli(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_SCRIPT, ...args], { env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('registries from the command line (the bundled CLI, no host running: it builds its own)', () => {
  it('search lists each registry’s servers or its reason; add --from adds the latest version, asks for required headers, remembers the origin', async () => {
    const company = await startRegistryServer();
    cleanup.push(() => company.close());
    const down = await startRegistryServer({ mode: 'failing' });
    cleanup.push(() => down.close());
    const home = makeTempHome();
    cleanup.push(() => home.cleanup());
    // Settings ▸ Registries as the window would leave them: the public one off, two private ones.
    const h = await startHost(home);
    for (const [url, name] of [
      [company.url, 'Acme internal'],
      [down.url, 'Partner'],
    ])
      expect((await h.call('registry:add-source', { url, name })).ok).toBe(true);
    expect((await h.call('registry:update-source', { registryId: 'official', enabled: false })).ok).toBe(true);
    await h.dispose();

    const found = await runCli(home.env, 'search', 'acme');
    expect(found.code, found.err).toBe(0);
    expect(found.out).toContain(
      'io.github.acme/issues\t1.1.0\tAcme Issues\thttps://mcp.acme.example/v2/mcp\t[Acme internal]\tneeds X-Acme-Workspace, X-Api-Key (secret)',
    );
    expect(found.out).toMatch(/^Partner: The registry 127\.0\.0\.1:\d+ answered 500 Internal Server Error; try again later\.$/m);

    const refused = await runCli(home.env, 'add', '--from', 'io.github.acme/issues', '--registry', 'Acme internal');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('io.github.acme/issues needs the headers X-Acme-Workspace, X-Api-Key: give --header "Name: value"');
    const added = await runCli(
      home.env,
      'add',
      '--from',
      'io.github.acme/issues',
      '--registry',
      'Acme internal',
      '--header',
      'X-Acme-Workspace: team',
      '--header',
      'X-Api-Key: ${env:ACME_KEY}',
      '--json',
    );
    expect(added.code, added.err).toBe(0);
    const server = JSON.parse(added.out) as { id: string; name: string; url: string };
    expect(server).toMatchObject({ name: 'Acme Issues', url: 'https://mcp.acme.example/v2/mcp' });
    const settings = JSON.parse(fs.readFileSync(path.join(home.dataDir, 'settings.json'), 'utf8'));
    expect(settings.registryOrigins[server.id]).toEqual({ registryId: expect.stringMatching(/^r-/), name: 'io.github.acme/issues', version: '1.1.0' });
  });
});

/**
 * Registries through the whole host (createHost with the headless ports): the handler table, the
 * RegistryService and the NetworkPlanner's route. The company registry sits "inside" a company
 * network (test/fixtures/network.ts: it serves only the forward proxy's egress address), so a
 * search that did not go through HTTP_PROXY fails; its token goes to it alone and never reaches
 * settings.json or anything the window is sent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../main/core/host';
import { makeTempHome, startHost, type TempHome } from './fixtures/harness';
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

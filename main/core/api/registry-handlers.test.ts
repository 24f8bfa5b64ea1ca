/**
 * The `registry:*` calls through the handler table: the table over the FAKE in-memory core
 * (testing/fake-core.ts) for the servers, and the real RegistryService against the local registry
 * (test/fixtures/registry-server.ts) with a real settings file and vault in a temp dir.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRegistryServer } from '../../../test/fixtures/registry-server';
import { FileSecretVault } from '../auth/file-vault';
import { RegistryService } from '../registry/registry-service';
import { openSettingsStore } from '../settings-store';
import { createHandlers, dispatch } from './handlers';
import { FakeSwitchboardCore } from './testing/fake-core';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup() {
  const reg = await startRegistryServer();
  cleanup.push(() => reg.close());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-regh-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const core = new FakeSwitchboardCore();
  const registry = new RegistryService({
    store: openSettingsStore({ dataDir: dir } as never, { watch: false }),
    vault: new FileSecretVault(path.join(dir, 'secrets.json')),
    fetchFor: async () => globalThis.fetch,
    secrets: { add: () => {} },
    servers: {
      get: (id) => {
        const s = core.servers.find((x) => x.id === id);
        return s && { url: s.url, headers: Object.fromEntries(s.headerNames.map((h) => [h, 'x'])) };
      },
    },
    officialUrl: reg.url,
  });
  const handlers = createHandlers(core, { version: '0', dataDir: dir, platform: 'linux', loginItemSupported: false }, registry);
  const call = (name: string, arg?: unknown) => dispatch(handlers, name, arg) as Promise<{ ok: boolean; value?: any; error?: string }>;
  return { reg, core, registry, call };
}

describe('registry calls', () => {
  it('refuse malformed arguments with the field named, and never echo a token', async () => {
    const { call } = await setup();
    expect(await call('registry:search', { registryId: 'official', query: 5 })).toEqual({ ok: false, error: 'registry:search: "query" must be a string' });
    expect(await call('registry:search', { registryId: 'official', extra: 1 })).toMatchObject({
      ok: false,
      error: expect.stringContaining('unknown field "extra"'),
    });
    const bad = await call('registry:add-source', { url: 'https://r.example.com', token: 'secret value with spaces' });
    expect(bad.ok).toBe(false);
    expect(bad.error).not.toContain('secret value');
    expect(await call('registry:open-link', { registryId: 'official', name: 'a/b', which: 'javascript' })).toMatchObject({ ok: false });
    expect(await call('registry:sources', { x: 1 })).toEqual({ ok: false, error: 'registry:sources: takes no argument' });
  });

  it('search and entry answer through the table', async () => {
    const { call } = await setup();
    const page = await call('registry:search', { registryId: 'official', query: 'weather' });
    expect(page.value.entries.map((e: { name: string }) => e.name)).toEqual(['com.example/weather']);
    expect((await call('registry:entry', { registryId: 'official', name: 'io.github.acme/issues' })).value.version).toBe('1.1.0');
  });

  it('a server added with its origin is offered the newer version; applying needs the required header values', async () => {
    const { call, core } = await setup();
    const added = await call('servers:add', {
      url: 'https://mcp.acme.example/mcp',
      name: 'Acme',
      origin: { registryId: 'official', name: 'io.github.acme/issues', version: '1.0.0' },
    });
    expect(added.ok).toBe(true);
    const id = added.value.id;
    const update = await call('registry:check-update', { serverId: id });
    expect(update.value).toMatchObject({ latest: '1.1.0', url: 'https://mcp.acme.example/v2/mcp' });
    expect(await call('registry:apply-update', { serverId: id, headers: { 'X-Acme-Workspace': 'team' } })).toEqual({
      ok: false,
      error: 'Version 1.1.0 needs the header X-Api-Key: give its value.',
    });
    const applied = await call('registry:apply-update', { serverId: id, headers: { 'X-Acme-Workspace': 'team', 'X-Api-Key': 'k-123' } });
    expect(applied.ok).toBe(true);
    expect(core.calls.find((c) => c.method === 'updateServer')!.args[0]).toEqual({
      serverId: id,
      url: 'https://mcp.acme.example/v2/mcp',
      headers: { 'X-Acme-Workspace': 'team', 'X-Api-Key': 'k-123' },
    });
    expect((await call('registry:check-update', { serverId: id })).value).toBeNull();
  });

  it('an abandoned add or a removed server leaves no registry origin behind', async () => {
    const { call, registry } = await setup();
    const origin = { registryId: 'official', name: 'io.github.acme/issues', version: '1.0.0' };
    const draft = (await call('servers:add', { url: 'https://mcp.acme.example/mcp', name: 'Acme', draft: true, origin })).value.id;
    expect(registry.origin(draft)).toEqual(origin);
    expect((await call('servers:discard', { serverId: draft })).ok).toBe(true);
    expect(registry.origin(draft)).toBeUndefined();
    const kept = (await call('servers:add', { url: 'https://mcp.acme.example/mcp', name: 'Acme 2', origin })).value.id;
    expect(registry.origin(kept)).toEqual(origin);
    expect((await call('servers:remove', { serverId: kept })).ok).toBe(true);
    expect(registry.origin(kept)).toBeUndefined();
  });

  it('a host without registries says so', async () => {
    const core = new FakeSwitchboardCore();
    const handlers = createHandlers(core, { version: '0', dataDir: '/x', platform: 'linux', loginItemSupported: false });
    expect(await dispatch(handlers, 'registry:sources', undefined)).toEqual({ ok: false, error: 'This host does not search registries.' });
  });
});

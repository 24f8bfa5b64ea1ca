/** Install links against the local registry (test/fixtures/registry-server.ts) and a real settings file and vault. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRegistryServer } from '../../../test/fixtures/registry-server';
import { FileSecretVault } from '../auth/file-vault';
import { parseAppLink } from '../links';
import { openSettingsStore } from '../settings-store';
import { proposalFromInstallLink } from './install-link';
import { RegistryService } from './registry-service';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup() {
  const reg = await startRegistryServer();
  cleanup.push(() => reg.close());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-link-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const registries = new RegistryService({
    store: openSettingsStore({ dataDir: dir } as never, { watch: false }),
    vault: new FileSecretVault(path.join(dir, 'secrets.json')),
    fetchFor: async () => globalThis.fetch,
    secrets: { add: () => {} },
    servers: { get: () => undefined },
    officialUrl: reg.url,
  });
  const propose = (raw: string) => {
    const link = parseAppLink(raw);
    if (link.kind !== 'install') throw new Error(`not an install link: ${JSON.stringify(link)}`);
    return proposalFromInstallLink(link, registries);
  };
  return { reg, registries, propose };
}

describe('install links', () => {
  it('become a proposal pre-filled from the registry entry, with the link as its origin', async () => {
    const { propose, reg } = await setup();
    const raw = `mcp-switchboard://install?registry=${encodeURIComponent(reg.url)}&name=io.github.acme%2Fissues`;
    const p = await propose(raw);
    expect(p).toMatchObject({ url: 'https://mcp.acme.example/v2/mcp', name: 'Acme Issues', link: raw });
    expect(p.entry).toMatchObject({ name: 'io.github.acme/issues', version: '1.1.0', registryName: 'MCP Registry' });
    expect(p.problem).toBeUndefined();
  });

  it('a registry not in Settings ▸ Registries is never asked: the window gets the reason', async () => {
    const { propose, reg } = await setup();
    const other = await startRegistryServer();
    cleanup.push(() => other.close());
    const p = await propose(`mcp-switchboard://install?registry=${encodeURIComponent(other.url)}&name=io.github.acme%2Fissues`);
    expect(p.url).toBe('');
    expect(p.problem).toMatch(/names a registry that is not in Settings ▸ Registries/);
    expect(other.requests).toEqual([]);
    expect(reg.requests).toEqual([]);
  });

  it('a server the registry does not list, or a turned-off registry: the reason', async () => {
    const { propose, registries } = await setup();
    expect((await propose('mcp-switchboard://install?name=io.github.nobody%2Fnone')).problem).toMatch(
      /asks for io.github.nobody\/none from MCP Registry, but: .* has no such server \(404\)/,
    );
    await registries.updateSource({ registryId: 'official', enabled: false });
    expect((await propose('mcp-switchboard://install?name=io.github.acme%2Fissues')).problem).toMatch(/turned off in Settings ▸ Registries/);
  });
});

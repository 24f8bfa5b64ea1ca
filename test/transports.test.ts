/**
 * Transport selection and protocol eras: a `/sse` URL that also serves Streamable HTTP at the
 * sibling `/mcp`, and a 2026-07-28 server (no initialize, no sessions) used by a client that
 * speaks that revision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../main/core/app-core';
import { startSdkServer, type SdkServer } from './fixtures/sdk-server';
import { startModernServer, type ModernServer } from './fixtures/modern-server';
import { connectClient, makeTempHome, startCore, waitForState, type TempHome } from './fixtures/harness';

let home: TempHome;
let core: AppCore;
let sdk: SdkServer;
let modern: ModernServer;

beforeAll(async () => {
  sdk = await startSdkServer();
  modern = await startModernServer();
  home = makeTempHome();
  core = await startCore(home);
});
afterAll(async () => {
  await core?.dispose();
  await sdk?.close();
  await modern?.close();
  home?.cleanup();
});

describe('transport selection', () => {
  it('for a URL ending in /sse, prefers Streamable HTTP at the sibling /mcp and remembers it', async () => {
    const s = await core.addServer({ url: sdk.sseUrl, name: 'Sibling' });
    await waitForState(core, s.id, 'ready');
    expect(core.registry.get(s.id)!.transport).toEqual({ kind: 'streamable-http', url: sdk.url });
    const c = await connectClient(home, s.id);
    const r = await c.client.callTool({ name: 'echo', arguments: { message: 'via sibling' } });
    expect(JSON.stringify(r.content)).toContain('echo: via sibling');
    await c.close();
    await core.removeServer(s.id);
  });
});

describe('2026-07-28 servers', () => {
  it('work for a client that speaks 2026-07-28 (no initialize, no session)', async () => {
    const s = await core.addServer({ url: modern.url, name: 'Modern' });
    // The health check speaks the 2026-07-28 era first (server/discover): no initialize reaches
    // a server of that era.
    await waitForState(core, s.id, 'ready');
    expect(modern.methods[0]).toBe('server/discover');
    expect(modern.methods).not.toContain('POST'); // a POST without Mcp-Method: 2025-era traffic
    const c = await connectClient(home, s.id, { versionPin: '2026-07-28' });
    try {
      const tools = await c.client.listTools();
      expect(tools.tools.map((t) => t.name)).toContain('shout');
      const r = await c.client.callTool({ name: 'shout', arguments: { text: 'quiet please' } });
      expect(JSON.stringify(r.content)).toContain('QUIET PLEASE');
    } finally {
      await c.close();
    }
    expect(modern.methods).toContain('tools/call');
    expect(modern.protocolHeaders).toContain('2026-07-28');
    await core.removeServer(s.id);
  });
});

/**
 * The whole traffic path against @modelcontextprotocol/server-everything (a real child process),
 * over Streamable HTTP and over HTTP+SSE: an SDK stdio client → connector → proxy → server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../main/core/app-core';
import { startEverything, type RunningServer } from './fixtures/everything';
import { connectClient, makeTempHome, startCore, waitForState, type TempHome } from './fixtures/harness';

for (const kind of ['streamableHttp', 'sse'] as const) {
  describe(`server-everything over ${kind}`, () => {
    let server: RunningServer;
    let home: TempHome;
    let core: AppCore;
    let serverId: string;

    beforeAll(async () => {
      server = await startEverything(kind);
      home = makeTempHome();
      core = await startCore(home);
      serverId = (await core.addServer({ url: server.url, name: `Everything ${kind}` })).id;
      await waitForState(core, serverId, 'ready');
    });
    afterAll(async () => {
      await core?.dispose();
      await server?.stop();
      home?.cleanup();
    });

    it('reports the transport that worked', () => {
      const s = core.listServers().find((x) => x.id === serverId)!;
      expect(s.status.transport).toBe(kind === 'sse' ? 'sse' : 'streamable-http');
      if (kind === 'sse') expect(core.registry.get(serverId)!.transport?.kind).toBe('sse');
    });

    it('lists and calls tools, reads resources and prompts through the connector', async () => {
      const c = await connectClient(home, serverId);
      try {
        expect(c.client.getServerVersion()?.name).toMatch(/everything/i);
        const tools = await c.client.listTools();
        const names = tools.tools.map((t) => t.name);
        expect(names).toContain('echo');
        expect(names).toContain('get-sum');
        const echo = await c.client.callTool({ name: 'echo', arguments: { message: 'hi ünïcode 👋' } });
        expect(JSON.stringify(echo.content)).toContain('hi ünïcode 👋');
        const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
        expect(JSON.stringify(sum.content)).toContain('42');
        const resources = await c.client.listResources();
        expect(resources.resources.length).toBeGreaterThan(0);
        const first = await c.client.readResource({ uri: resources.resources[0].uri });
        expect(first.contents.length).toBeGreaterThan(0);
        const prompts = await c.client.listPrompts();
        expect(prompts.prompts.length).toBeGreaterThan(0);
        const simple = prompts.prompts.find((p) => !p.arguments?.some((a) => a.required)) ?? prompts.prompts[0];
        const got = await c.client.getPrompt({ name: simple.name, arguments: {} });
        expect(got.messages.length).toBeGreaterThan(0);
      } finally {
        await c.close();
      }
      const log = core.tailLogs(serverId, 500);
      expect(log.some((e) => e.method === 'tools/call' && typeof e.durationMs === 'number')).toBe(true);
    });
  });
}

/**
 * `mcp-switchboard connect <url>` as a client config would run it, against a real authorization
 * server (oidc-provider) in front of a real MCP server requiring bearer tokens. The browser is
 * test/fixtures/headless-browser.mjs plugged in through MCP_SWITCHBOARD_BROWSER.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { startOidcFixture, type OidcFixture } from '../main/core/auth/testing/oidc-fixture';
import { CLI_SCRIPT, makeTempHome, ROOT, runCli, type TempHome } from './fixtures/harness';
import { startSdkServer } from './fixtures/sdk-server';

const BROWSER = path.join(ROOT, 'test/fixtures/headless-browser.mjs');

let as: OidcFixture;
beforeAll(async () => {
  as = await startOidcFixture();
});
afterAll(async () => {
  await as?.close();
});

async function connect(home: TempHome, url: string, browserLog: string, extra: string[] = [], env: Record<string, string> = {}) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI_SCRIPT, 'connect', url, ...extra],
    env: { ...home.env, MCP_SWITCHBOARD_BROWSER: JSON.stringify([process.execPath, BROWSER]), HEADLESS_BROWSER_LOG: browserLog, ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d) => (stderr += d));
  const client = new Client({ name: 'connect-test', version: '1' }, { capabilities: {} });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

describe('connect', () => {
  it('adds the server, signs in through the browser, relays; the next run reuses the tokens', async () => {
    const home = makeTempHome();
    const browserLog = path.join(home.home, 'browser.log');
    try {
      const first = await connect(home, as.mcpUrl, browserLog);
      const tools = await first.client.listTools();
      expect(tools.tools.length).toBeGreaterThan(0);
      const callsBefore = as.toolCalls;
      await first.client.callTool({ name: tools.tools[0].name, arguments: { message: 'hi' } });
      expect(as.toolCalls).toBe(callsBefore + 1);
      expect(first.stderr()).toMatch(/added http:\/\/127\.0\.0\.1:\d+\/mcp as "127-0-0-1"/);
      expect(first.stderr(), first.stderr()).toMatch(/Tokens are stored unencrypted in .*secrets\.json/);
      await first.client.close();
      expect(fs.readFileSync(browserLog, 'utf8').trim().split('\n')).toHaveLength(1);
      const secrets = path.join(home.dataDir, 'secrets.json');
      expect(fs.statSync(secrets).mode & 0o777).toBe(0o600);

      const second = await connect(home, as.mcpUrl, browserLog);
      await second.client.listTools();
      await second.client.close();
      // Signed in once: no second browser tab.
      expect(fs.readFileSync(browserLog, 'utf8').trim().split('\n')).toHaveLength(1);
      expect(second.stderr()).not.toMatch(/added/);
      // Added before sign-in, when the server could not say its name: named after its host (and
      // the id stays so, entries use it), then after the server itself once signed in.
      const list = JSON.parse(runCli(home.env, 'list', '--json').out);
      expect(list).toEqual([expect.objectContaining({ id: '127-0-0-1', name: 'protected-fixture' })]);
    } finally {
      home.cleanup();
    }
  });

  it('answers the client with the reason when the URL is refused', async () => {
    const home = makeTempHome();
    try {
      await expect(connect(home, 'http://example.com/mcp', path.join(home.home, 'b.log'))).rejects.toThrow(
        /could not connect to http:\/\/example\.com\/mcp: Plain http:\/\/ is allowed only for servers on this computer/,
      );
    } finally {
      home.cleanup();
    }
  });

  it('takes header values from its own environment (${NAME}), so no secret sits in its argv; warns when one does', async () => {
    const server = await startSdkServer();
    const home = makeTempHome();
    try {
      const key = 'sb-env-key-0123456789abcdef';
      const viaEnv = await connect(home, server.url, path.join(home.home, 'b.log'), ['--header', 'X-Api-Key: ${SB_TEST_KEY}'], { SB_TEST_KEY: key });
      await viaEnv.client.listTools();
      await viaEnv.client.close();
      // The server got the value; nothing warned, and it was never in argv (the config names the variable).
      expect(server.headers.some((h) => h['x-api-key'] === key)).toBe(true);
      expect(server.headers.some((h) => h['x-api-key'] === '${SB_TEST_KEY}')).toBe(false);
      expect(viaEnv.stderr()).not.toMatch(/warning/);

      const literal = await connect(home, server.url, path.join(home.home, 'b.log'), ['--header', 'Authorization: Bearer literal-0123456789abcdef']);
      await literal.client.close();
      expect(literal.stderr()).toMatch(
        /warning: The value of the Authorization header is written in the command line, where other users of this computer can read it/,
      );
      expect(literal.stderr()).not.toContain('literal-0123456789abcdef');
    } finally {
      home.cleanup();
      await server.close();
    }
  });
});

describe('connect and header values (issue 12 item 10)', () => {
  it('another key for the same URL is another server (another account); --name takes a rotated key; values never come back', async () => {
    const upstream = await startSdkServer();
    const home = makeTempHome();
    /** One `connect` run: a tool call, and the key the upstream server received with it. */
    const run = async (extra: string[]) => {
      const c = await connect(home, upstream.url, path.join(home.home, 'browser.log'), extra);
      try {
        await c.client.callTool({ name: 'echo', arguments: { message: 'hi' } });
        return { key: upstream.headers.at(-1)?.['x-api-key'], stderr: c.stderr() };
      } finally {
        await c.client.close();
      }
    };
    try {
      const work = await run(['--header', 'X-Api-Key: work-key-1111']);
      expect(work.key).toBe('work-key-1111');
      expect(work.stderr).toMatch(/added http:\/\/127\.0\.0\.1:\d+\/mcp as "127-0-0-1"/);

      // A second account's key for the same URL: before, connect took the first server (the same
      // header name) and sent the work key.
      const personal = await run(['--header', 'X-Api-Key: personal-key-2222']);
      expect(personal.key).toBe('personal-key-2222');
      expect(personal.stderr).toMatch(/added http:\/\/127\.0\.0\.1:\d+\/mcp as "127-0-0-1-2"/);

      // The same key again: the same server, nothing added or changed.
      const again = await run(['--header', 'X-Api-Key: work-key-1111']);
      expect(again.key).toBe('work-key-1111');
      expect(again.stderr).not.toMatch(/added|updated/);

      // A server the user named takes a rotated key instead of gaining a twin.
      await run(['--name', 'Team', '--header', 'X-Api-Key: team-key-old']);
      const rotated = await run(['--name', 'Team', '--header', 'X-Api-Key: team-key-new']);
      expect(rotated.key).toBe('team-key-new');
      expect(rotated.stderr).toMatch(/updated "team"/);

      const list = JSON.parse(runCli(home.env, 'list', '--json').out) as Array<{ id: string }>;
      expect(list.map((s) => s.id).sort()).toEqual(['127-0-0-1', '127-0-0-1-2', 'team']);
      expect(JSON.stringify(list)).not.toContain('key-');
      const settings = fs.readFileSync(path.join(home.dataDir, 'settings.json'), 'utf8');
      expect(settings).toContain('team-key-new');
      expect(settings).not.toContain('team-key-old');
    } finally {
      home.cleanup();
      await upstream.close();
    }
  });
});

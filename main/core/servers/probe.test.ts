// The add flow's probe against real servers: the SDK's reference servers (Streamable HTTP and
// HTTP+SSE), a 2026-07-28 server, server-everything as a child process, oidc-provider in front of
// a protected MCP server, a refused port and a self-signed TLS server (certificate made by openssl).
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSdkServer, type SdkServer } from '../../../test/fixtures/sdk-server';
import { startModernServer, type ModernServer } from '../../../test/fixtures/modern-server';
import { startEverything, type RunningServer } from '../../../test/fixtures/everything';
import { freePort } from '../../../test/fixtures/ports';
import { makeCertificate } from '../../../test/fixtures/hostile-auth-server';
import { startOidcFixture, type OidcFixture } from '../auth/testing/oidc-fixture';
import { describeNetworkError, nameFromHost, probeServer, protectedResourceMetadataUrls, resourceMetadataFrom } from './probe';

describe('probe helpers', () => {
  it('derives a friendly name from the host', () => {
    expect(nameFromHost('https://mcp.linear.app/mcp')).toBe('Linear');
    expect(nameFromHost('https://api.githubcopilot.com/mcp/')).toBe('Githubcopilot');
    expect(nameFromHost('https://mcp.notion.com/mcp')).toBe('Notion');
    expect(nameFromHost('https://tools.example.co.uk/mcp')).toBe('Example');
    expect(nameFromHost('http://127.0.0.1:8080/mcp')).toBe('127.0.0.1');
    expect(nameFromHost('http://localhost:3000/mcp')).toBe('localhost');
  });

  it('reads resource_metadata and builds RFC 9728 well-known URLs', () => {
    expect(resourceMetadataFrom('Bearer error="invalid_token", resource_metadata="https://x.example/.well-known/oauth-protected-resource/mcp"')).toBe(
      'https://x.example/.well-known/oauth-protected-resource/mcp',
    );
    expect(resourceMetadataFrom('Bearer realm="x"')).toBeUndefined();
    expect(protectedResourceMetadataUrls('https://x.example/v1/mcp/')).toEqual([
      'https://x.example/.well-known/oauth-protected-resource/v1/mcp',
      'https://x.example/.well-known/oauth-protected-resource',
    ]);
  });

  it('words the network errors Node reports', () => {
    expect(describeNetworkError(Object.assign(new Error('getaddrinfo ENOTFOUND nope.example'), { code: 'ENOTFOUND' }), 'nope.example')).toMatch(
      /DNS lookup failed/,
    );
    expect(describeNetworkError(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }), 'a.example')).toMatch(/certificate has expired/);
    expect(describeNetworkError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'a.example')).toMatch(/timed out/);
  });

  it('refuses a URL the registry would refuse, with the same reason', async () => {
    await expect(probeServer({ url: 'http://example.com/mcp' })).rejects.toThrow(/Plain http:\/\/ is allowed only for servers on this computer/);
    await expect(probeServer({ url: 'not a url' })).rejects.toThrow(/is not a URL/);
    await expect(probeServer({ url: 'https://x.example/mcp', headers: { 'Content-Type': 'x' } })).rejects.toThrow(/managed by MCP Switchboard/);
  });
});

describe('probeServer against real servers', () => {
  let sdk: SdkServer;
  let modern: ModernServer;
  let oidc: OidcFixture;

  beforeAll(async () => {
    [sdk, modern, oidc] = await Promise.all([startSdkServer(), startModernServer(), startOidcFixture()]);
  });
  afterAll(async () => {
    await Promise.all([sdk?.close(), modern?.close(), oidc?.close()]);
  });

  it('Streamable HTTP: name, version, protocol; the session it opened is deleted', async () => {
    const before = { init: sdk.stats.initializes, del: sdk.stats.deletes };
    const r = await probeServer({ url: sdk.url, headers: { 'X-Team': 'probe-team' } });
    expect(r).toMatchObject({
      url: sdk.url,
      reachable: true,
      transport: 'streamable-http',
      signIn: 'not-needed',
      serverName: 'sdk-fixture',
      serverVersion: '1.0.0',
      suggestedName: 'sdk-fixture',
    });
    expect(r.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(r.problem).toBeUndefined();
    expect(sdk.stats.initializes).toBe(before.init + 1);
    expect(sdk.stats.deletes).toBe(before.del + 1);
    expect(sdk.headers.at(-1)?.['x-team']).toBe('probe-team');
  });

  it('the old HTTP+SSE transport: found through the endpoint event, initialize answered on the stream', async () => {
    const r = await probeServer({ url: sdk.sseUrl });
    expect(r).toMatchObject({ reachable: true, transport: 'sse', signIn: 'not-needed', serverName: 'sdk-fixture' });
  });

  it('a 2026-07-28 server that refuses initialize answers server/discover', async () => {
    const r = await probeServer({ url: modern.url });
    expect(r).toMatchObject({ reachable: true, transport: 'streamable-http', signIn: 'not-needed' });
    expect(r.problem).toBeUndefined();
    expect(modern.methods).toContain('server/discover');
  });

  it('a protected server: sign-in needed, authorization server from the protected resource metadata', async () => {
    const r = await probeServer({ url: oidc.mcpUrl });
    expect(r).toMatchObject({ reachable: true, signIn: 'needed', authorizationServer: oidc.issuer });
    expect(r.serverName).toBeUndefined();
    expect(r.suggestedName).toBe('127.0.0.1');
  });

  it('a refused port: not reachable, with a sentence', async () => {
    const port = await freePort();
    const r = await probeServer({ url: `http://127.0.0.1:${port}/mcp` });
    expect(r).toMatchObject({ reachable: false, signIn: 'unknown' });
    expect(r.transport).toBeUndefined();
    expect(r.problem).toMatch(/connection refused/);
  });

  it('a web page that is not an MCP endpoint: reachable with a problem', async () => {
    const page = http.createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>nope</h1>'));
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    try {
      const r = await probeServer({ url: `http://127.0.0.1:${(page.address() as AddressInfo).port}/wrong` });
      expect(r).toMatchObject({ reachable: true, signIn: 'unknown' });
      expect(r.problem).toMatch(/answered 404 Not Found.*MCP endpoint/);
    } finally {
      page.closeAllConnections();
      page.close();
    }
  });

  it('a redirect: says where the server moved', async () => {
    const moved = http.createServer((_req, res) => res.writeHead(308, { location: '/v2/mcp' }).end());
    await new Promise<void>((r) => moved.listen(0, '127.0.0.1', r));
    try {
      const port = (moved.address() as AddressInfo).port;
      const r = await probeServer({ url: `http://127.0.0.1:${port}/mcp` });
      expect(r.reachable).toBe(true);
      expect(r.problem).toBe(`127.0.0.1:${port} answered 308 Permanent Redirect: the server moved to http://127.0.0.1:${port}/v2/mcp; use that address.`);
    } finally {
      moved.closeAllConnections();
      moved.close();
    }
  });

  it('a server that never answers: timed out', async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const r = await probeServer({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/mcp` }, { timeoutMs: 300 });
      expect(r.reachable).toBe(false);
      expect(r.problem).toMatch(/timed out/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('a self-signed TLS certificate: a sentence about the certificate', async () => {
    const server = https.createServer(makeCertificate(['localhost']), (_req, res) => res.end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await probeServer({ url: `https://localhost:${(server.address() as AddressInfo).port}/mcp` });
      expect(r.reachable).toBe(false);
      expect(r.problem).toMatch(/TLS certificate of localhost:\d+ is not trusted: the certificate is self-signed/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('probeServer against server-everything', () => {
  let streamable: RunningServer;
  let sse: RunningServer;
  beforeAll(async () => {
    [streamable, sse] = await Promise.all([startEverything('streamableHttp'), startEverything('sse')]);
  });
  afterAll(async () => {
    await Promise.all([streamable?.stop(), sse?.stop()]);
  });

  it('Streamable HTTP and HTTP+SSE', async () => {
    const a = await probeServer({ url: streamable.url });
    expect(a).toMatchObject({ reachable: true, transport: 'streamable-http', signIn: 'not-needed' });
    expect(a.serverName).toBeTruthy();
    // serverInfo.title when the server gives one, else its name; never the host here.
    expect(a.suggestedName).toBe('Everything Reference Server');
    const b = await probeServer({ url: sse.url });
    expect(b).toMatchObject({ reachable: true, transport: 'sse', signIn: 'not-needed' });
    expect(b.serverName).toBe(a.serverName);
  });
});

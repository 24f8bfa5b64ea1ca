import { describe, expect, it } from 'vitest';
import { describeRoute, noProxyMatches, parseProxyUrl, proxyAuthorization, proxyUrlWithCredentials, routeFromEnv, routeFromPac } from './proxy-route';

const u = (s: string) => new URL(s);

describe('parseProxyUrl', () => {
  it('takes http(s) proxies with or without credentials; a bare host:port is http', () => {
    expect(parseProxyUrl('http://proxy.corp:3128')).toEqual({ ok: true, value: { url: 'http://proxy.corp:3128' } });
    expect(parseProxyUrl('proxy.corp:8080')).toEqual({ ok: true, value: { url: 'http://proxy.corp:8080' } });
    expect(parseProxyUrl('https://ann:p%40ss@proxy.corp')).toEqual({ ok: true, value: { url: 'https://proxy.corp', username: 'ann', password: 'p@ss' } });
  });

  it('refuses SOCKS, paths and garbage with a sentence that never echoes a password', () => {
    expect(parseProxyUrl('socks5://proxy:1080')).toMatchObject({ ok: false, error: expect.stringMatching(/Only HTTP proxies/) });
    expect(parseProxyUrl('http://proxy:3128/path')).toMatchObject({ ok: false, error: expect.stringMatching(/no path/) });
    const bad = parseProxyUrl('http://ann:secret-pass@[bad');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).not.toContain('secret-pass');
    // Without a scheme too (http:// is added before parsing, but the sentence quotes what was typed).
    const bare = parseProxyUrl('ann:secret-pass@proxy:port');
    expect(bare).toEqual({ ok: false, error: '"…@proxy:port" is not a proxy address: write it as http://host:port.' });
    expect(parseProxyUrl('')).toMatchObject({ ok: false });
  });

  it('puts credentials back only where a library reads them, and as Proxy-Authorization', () => {
    const route = { kind: 'proxy' as const, url: 'http://proxy:3128', username: 'a b', password: 'p:w' };
    expect(proxyUrlWithCredentials(route).href).toBe('http://a%20b:p%3Aw@proxy:3128/');
    expect(proxyAuthorization(route)).toBe(`Basic ${Buffer.from('a b:p:w').toString('base64')}`);
    expect(proxyAuthorization({ kind: 'direct' })).toBeUndefined();
    expect(describeRoute(route)).toBe('through the proxy proxy:3128');
  });
});

describe('noProxyMatches', () => {
  it('matches hosts, their subdomains, ports, IPs and *', () => {
    const no = 'localhost, .internal.corp,example.com:8443 10.1.2.3 [::1]';
    expect(noProxyMatches(u('https://localhost/mcp'), no)).toBe(true);
    expect(noProxyMatches(u('https://mcp.internal.corp/mcp'), no)).toBe(true);
    expect(noProxyMatches(u('https://internal.corp/mcp'), no)).toBe(true);
    expect(noProxyMatches(u('https://example.com:8443/'), no)).toBe(true);
    expect(noProxyMatches(u('https://example.com/'), no)).toBe(false);
    expect(noProxyMatches(u('https://api.example.com:8443/'), no)).toBe(true);
    expect(noProxyMatches(u('http://10.1.2.3/'), no)).toBe(true);
    expect(noProxyMatches(u('http://[::1]:8080/'), no)).toBe(true);
    expect(noProxyMatches(u('https://notexample.com/'), no)).toBe(false);
    expect(noProxyMatches(u('https://anything.test/'), '*')).toBe(true);
    expect(noProxyMatches(u('https://anything.test/'), undefined)).toBe(false);
  });
});

describe('routeFromEnv', () => {
  it('uses HTTPS_PROXY for https and HTTP_PROXY for http, lower case first, NO_PROXY before both', () => {
    const env = { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2', HTTP_PROXY: 'http://plain:3', NO_PROXY: '.corp' };
    expect(routeFromEnv(u('https://mcp.example.com/'), env)).toEqual({ kind: 'proxy', url: 'http://lower:2' });
    expect(routeFromEnv(u('http://127.0.0.1:9/'), env)).toEqual({ kind: 'proxy', url: 'http://plain:3' });
    expect(routeFromEnv(u('https://mcp.corp/'), env)).toEqual({ kind: 'direct' });
    expect(routeFromEnv(u('https://mcp.example.com/'), {})).toEqual({ kind: 'direct' });
  });

  it('ignores a malformed variable and says so', () => {
    const said: string[] = [];
    expect(routeFromEnv(u('https://x.test/'), { HTTPS_PROXY: 'socks5://p:1' }, (m) => said.push(m))).toEqual({ kind: 'direct' });
    expect(said[0]).toMatch(/HTTPS_PROXY is ignored: Only HTTP proxies/);
  });
});

describe('routeFromPac', () => {
  it('takes the first entry it can use', () => {
    expect(routeFromPac('PROXY proxy.corp:3128; DIRECT')).toEqual({ kind: 'proxy', url: 'http://proxy.corp:3128' });
    expect(routeFromPac('HTTPS secure.corp:443')).toEqual({ kind: 'proxy', url: 'https://secure.corp' });
    expect(routeFromPac('DIRECT')).toEqual({ kind: 'direct' });
    expect(routeFromPac('')).toEqual({ kind: 'direct' });
    const said: string[] = [];
    expect(routeFromPac('SOCKS5 s:1080; PROXY p:8080', (m) => said.push(m))).toEqual({ kind: 'proxy', url: 'http://p:8080' });
    expect(routeFromPac('SOCKS5 s:1080', (m) => said.push(m))).toEqual({ kind: 'direct' });
    expect(said).toHaveLength(1);
  });
});

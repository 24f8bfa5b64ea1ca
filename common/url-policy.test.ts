import { describe, expect, it } from 'vitest';
import { endpointRefusal, hostScope, isLoopbackHost, isSecureOrLoopback } from './url-policy';

describe('isLoopbackHost', () => {
  it('knows the loopback names, in any case, bracketed or bare', () => {
    expect(['localhost', '127.0.0.1', '127.255.0.1', '[::1]', '::1', 'LocalHost', 'app.localhost'].map(isLoopbackHost)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it('refuses everything else, look-alikes included', () => {
    expect(['example.com', '128.0.0.1', '0.0.0.0', 'localhost.com', 'localhost.example.com', '10.0.0.1', '127.0.0.1.nip.io'].map(isLoopbackHost)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('isSecureOrLoopback', () => {
  it('takes https anywhere and http only to this computer', () => {
    expect(isSecureOrLoopback(new URL('https://example.com/mcp'))).toBe(true);
    expect(isSecureOrLoopback(new URL('http://127.0.0.1:3000/mcp'))).toBe(true);
    expect(isSecureOrLoopback(new URL('http://[::1]:3000/mcp'))).toBe(true);
    expect(isSecureOrLoopback(new URL('http://example.com/mcp'))).toBe(false);
    expect(isSecureOrLoopback(new URL('ftp://127.0.0.1/'))).toBe(false);
  });
});

describe('hostScope', () => {
  const table: Array<[string, ReturnType<typeof hostScope>]> = [
    // this computer, in every spelling the URL parser leaves
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['0.0.0.0', 'loopback'],
    ['localhost', 'loopback'],
    ['localhost.', 'loopback'],
    ['api.localhost', 'loopback'],
    ['[::1]', 'loopback'],
    ['[::]', 'loopback'],
    [new URL('http://[::ffff:127.0.0.1]/').hostname, 'loopback'],
    [new URL('http://[::127.0.0.1]/').hostname, 'loopback'],
    [new URL('http://2130706433/').hostname, 'loopback'],
    [new URL('http://0x7f.1/').hostname, 'loopback'],
    // the link
    ['169.254.169.254', 'link-local'],
    ['[fe80::1]', 'link-local'],
    [new URL('http://[::ffff:169.254.169.254]/').hostname, 'link-local'],
    [new URL('http://[64:ff9b::a9fe:a9fe]/').hostname, 'link-local'],
    // private networks and names
    ['10.0.0.7', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.100.100.100', 'private'],
    ['[fd00::2]', 'private'],
    ['224.0.0.251', 'private'],
    ['255.255.255.255', 'private'],
    ['router', 'private'],
    ['printer.local', 'private'],
    ['metadata.google.internal', 'private'],
    ['nas.home.arpa', 'private'],
    // the internet
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['192.169.0.1', 'public'],
    ['[2606:4700::1111]', 'public'],
    ['mcp.linear.app', 'public'],
    ['localhost.example.com', 'public'],
    ['127.0.0.1.nip.io', 'public'],
  ];
  it.each(table)('%s is %s', (host, scope) => {
    expect(hostScope(host)).toBe(scope);
  });
});

describe('endpointRefusal', () => {
  const ok = (server: string, target: string) => endpointRefusal(new URL(server), new URL(target));

  it('a server on the internet: https on the internet only', () => {
    const s = 'https://mcp.example.com/mcp';
    expect(ok(s, 'https://auth.example.com/token')).toBeUndefined();
    expect(ok(s, 'http://auth.example.com/token')).toMatch(/plain http/);
    expect(ok(s, 'http://127.0.0.1:9000/token')).toMatch(/plain http/);
    expect(ok(s, 'https://127.0.0.1:9000/token')).toMatch(/this computer/);
    expect(ok(s, 'https://localhost/token')).toMatch(/this computer/);
    expect(ok(s, 'https://0.0.0.0/token')).toMatch(/this computer/);
    expect(ok(s, 'https://169.254.169.254/latest')).toMatch(/link-local/);
    expect(ok(s, 'https://10.0.0.7/register')).toMatch(/private network/);
    expect(ok(s, 'https://intranet/register')).toMatch(/private network/);
    expect(ok(s, 'javascript:alert(1)')).toMatch(/"javascript" scheme/);
  });

  it('a server the user added on a private network may use that network, not this computer', () => {
    const s = 'https://10.1.2.3/mcp';
    expect(ok(s, 'https://10.1.2.4/token')).toBeUndefined();
    expect(ok(s, 'https://auth.example.com/token')).toBeUndefined();
    expect(ok(s, 'https://127.0.0.1/token')).toMatch(/this computer/);
    expect(ok(s, 'http://10.1.2.4/token')).toMatch(/plain http/);
  });

  it('a server on this computer may use anything, plain http only on this computer', () => {
    const s = 'http://127.0.0.1:3000/mcp';
    expect(ok(s, 'http://127.0.0.1:4000/token')).toBeUndefined();
    expect(ok(s, 'http://localhost:4000/token')).toBeUndefined();
    expect(ok(s, 'https://10.0.0.7/token')).toBeUndefined();
    expect(ok(s, 'https://auth.example.com/token')).toBeUndefined();
    expect(ok(s, 'http://0.0.0.0:4000/token')).toMatch(/plain http/);
    expect(ok(s, 'http://169.254.169.254/latest')).toMatch(/plain http/);
  });
});

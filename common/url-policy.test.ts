import { describe, expect, it } from 'vitest';
import { isLoopbackHost, isSecureOrLoopback } from './url-policy';

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

// The browser shell's admission rules, one by one (the shell itself is tested end to end in
// e2e/web-shell.spec.ts with a real Chromium, and through `npm start` in scripts/start.test.ts).
import { describe, expect, it } from 'vitest';
import { checkProvenance, createSessionGate, readCookie, refusalSentence, sameSecret } from './web-shell-guard';

const origin = 'http://127.0.0.1:4711';

describe('checkProvenance', () => {
  it('admits our own Host, with our Origin or none, fetched same-origin or opened by the user', () => {
    expect(checkProvenance({ host: '127.0.0.1:4711' }, origin)).toBeUndefined();
    expect(checkProvenance({ host: '127.0.0.1:4711', origin, 'sec-fetch-site': 'same-origin' }, origin)).toBeUndefined();
    expect(checkProvenance({ host: '127.0.0.1:4711', 'sec-fetch-site': 'none' }, origin)).toBeUndefined();
  });

  it('refuses another Host (DNS rebinding), another Origin, and a fetch from another site', () => {
    for (const host of [undefined, 'localhost:4711', '127.0.0.1', '127.0.0.1:4712', 'evil.example:4711', '[::1]:4711']) {
      expect(checkProvenance({ host }, origin), String(host)).toBe('host');
    }
    for (const o of ['null', 'http://localhost:4711', 'https://127.0.0.1:4711', 'http://127.0.0.1:4712']) {
      expect(checkProvenance({ host: '127.0.0.1:4711', origin: o }, origin), o).toBe('origin');
    }
    for (const site of ['cross-site', 'same-site', 'bogus']) {
      expect(checkProvenance({ host: '127.0.0.1:4711', 'sec-fetch-site': site }, origin), site).toBe('fetch-site');
    }
  });
});

describe('the session gate', () => {
  it('spends the 256-bit token once for an HttpOnly, SameSite=Strict cookie that then admits', () => {
    const gate = createSessionGate(4711);
    expect(Buffer.from(gate.token, 'base64url')).toHaveLength(32);
    expect(gate.admits(undefined)).toBe(false);
    expect(gate.exchange(undefined)).toBeUndefined();
    expect(gate.exchange(gate.token.slice(1))).toBeUndefined();
    expect(gate.exchange(`${gate.token}x`)).toBeUndefined();
    const setCookie = gate.exchange(gate.token)!;
    expect(setCookie).toMatch(/^mcp-switchboard-4711=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    const value = setCookie.split(';')[0].split('=')[1];
    expect(value).not.toBe(gate.token);
    // Spent.
    expect(gate.exchange(gate.token)).toBeUndefined();
    expect(gate.admits(`other=1; mcp-switchboard-4711=${value}`)).toBe(true);
    expect(gate.admits(`mcp-switchboard-4711=${value.slice(1)}`)).toBe(false);
    expect(gate.admits(`mcp-switchboard-4712=${value}`)).toBe(false);
  });

  it('gives every shell its own token and session', () => {
    const a = createSessionGate(1);
    const b = createSessionGate(1);
    expect(a.token).not.toBe(b.token);
    const cookie = a.exchange(a.token)!.split(';')[0];
    expect(b.exchange(a.token)).toBeUndefined();
    b.exchange(b.token);
    expect(b.admits(cookie)).toBe(false);
  });
});

describe('helpers', () => {
  it('compares secrets whole, and reads one cookie out of a header', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abd', 'abc')).toBe(false);
    expect(sameSecret('ab', 'abc')).toBe(false);
    expect(sameSecret(undefined, 'abc')).toBe(false);
    expect(readCookie('a=1; b=2;c=3', 'b')).toBe('2');
    expect(readCookie('ab=1', 'a')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });

  it('says in a sentence why a request was refused, without any secret', () => {
    expect(refusalSentence('host', '127.0.0.1:4711')).toBe('MCP Switchboard answers only requests addressed to 127.0.0.1:4711.');
    expect(refusalSentence('origin', '')).toBe('MCP Switchboard refuses requests from other web pages.');
    expect(refusalSentence('token', '')).toMatch(/each link works once/);
  });
});

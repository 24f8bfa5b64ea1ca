import { describe, expect, it } from 'vitest';
import {
  validateScopes,
  defaultName,
  makeServerId,
  resolveHeaders,
  validateHeaders,
  validateName,
  validateRetryBudget,
  validateServerUrl,
} from './server-model';

function refused(input: unknown): string {
  const r = validateServerUrl(input);
  if (r.ok) throw new Error(`expected ${String(input)} to be refused, got ${r.value}`);
  return r.error;
}

describe('validateRetryBudget', () => {
  it('takes whole seconds from 0 (no retries) to 600; absent is the default', () => {
    expect([0, 15, 600].map(validateRetryBudget)).toEqual([0, 15, 600].map((value) => ({ ok: true, value })));
    expect(validateRetryBudget(undefined)).toEqual({ ok: true, value: undefined });
    expect(validateRetryBudget(null)).toEqual({ ok: true, value: undefined });
    for (const bad of [-1, 601, 1.5, '15', NaN, Infinity, {}]) {
      expect(validateRetryBudget(bad)).toEqual({ ok: false, error: 'The retry budget must be a whole number of seconds from 0 to 600.' });
    }
  });
});

describe('validateScopes', () => {
  it('takes space-separated scope tokens, normalized, duplicates dropped; blank is none', () => {
    expect(validateScopes('  repo   read:org repo ')).toEqual({ ok: true, value: 'repo read:org' });
    expect(validateScopes('https://graph.microsoft.com/.default offline_access')).toEqual({
      ok: true,
      value: 'https://graph.microsoft.com/.default offline_access',
    });
    expect(validateScopes('   ')).toEqual({ ok: true, value: undefined });
    expect(validateScopes(undefined)).toEqual({ ok: true, value: undefined });
  });

  it('refuses what RFC 6749 does not allow in a scope token, and says which one', () => {
    const quoted = validateScopes('repo "admin"');
    expect(quoted).toMatchObject({ ok: false });
    expect(!quoted.ok && quoted.error).toContain('""admin"" is not a scope name');
    expect(validateScopes('a\\b')).toMatchObject({ ok: false });
    expect(validateScopes('caf\u00e9')).toMatchObject({ ok: false });
    expect(validateScopes(42)).toMatchObject({ ok: false, error: expect.stringContaining('must be text') });
    expect(validateScopes(Array.from({ length: 51 }, (_, i) => `s${i}`).join(' '))).toMatchObject({ ok: false, error: expect.stringContaining('at most 50') });
  });
});

describe('validateServerUrl', () => {
  it('accepts https URLs and returns the normalized href', () => {
    expect(validateServerUrl('https://mcp.example.com/mcp')).toEqual({ ok: true, value: 'https://mcp.example.com/mcp' });
    expect(validateServerUrl('  HTTPS://Example.COM  ')).toEqual({ ok: true, value: 'https://example.com/' });
    expect(validateServerUrl('https://example.com:8443/a/b?x=1')).toEqual({ ok: true, value: 'https://example.com:8443/a/b?x=1' });
  });

  it('accepts plain http only to this machine', () => {
    expect(validateServerUrl('http://localhost:3000/mcp')).toEqual({ ok: true, value: 'http://localhost:3000/mcp' });
    expect(validateServerUrl('http://127.0.0.1:8080/mcp')).toEqual({ ok: true, value: 'http://127.0.0.1:8080/mcp' });
    expect(validateServerUrl('http://127.4.5.6/')).toEqual({ ok: true, value: 'http://127.4.5.6/' });
    expect(validateServerUrl('http://[::1]:9000/mcp')).toEqual({ ok: true, value: 'http://[::1]:9000/mcp' });
    expect(validateServerUrl('http://LOCALHOST/')).toEqual({ ok: true, value: 'http://localhost/' });
  });

  it('refuses plain http to another host and names the host', () => {
    const error = refused('http://example.com/mcp');
    expect(error).toContain('example.com');
    expect(error).toMatch(/only for servers on this computer/);
    expect(refused('http://10.0.0.5/mcp')).toContain('10.0.0.5');
    // A name that only starts like a loopback host is not one.
    expect(refused('http://localhost.evil.com/')).toContain('localhost.evil.com');
    expect(refused('http://127.0.0.1.nip.io/')).toContain('127.0.0.1.nip.io');
  });

  it('refuses other schemes and says which one it got', () => {
    expect(refused('ftp://example.com/mcp')).toBe('Only https:// URLs are supported (got ftp://). Remote MCP servers speak HTTPS.');
    expect(refused('ws://example.com/')).toContain('got ws://');
    expect(refused('javascript:alert(1)')).toContain('got javascript://');
    expect(refused('file:///etc/passwd')).toContain('got file://');
  });

  it('refuses credentials in the URL', () => {
    expect(refused('https://user:pass@example.com/mcp')).toMatch(/user name or password/);
    expect(refused('https://user@example.com/mcp')).toMatch(/user name or password/);
    expect(refused('https://:secret@example.com/mcp')).toMatch(/user name or password/);
    expect(refused('http://me:pw@localhost:3000/')).toMatch(/user name or password/);
  });

  it('refuses a fragment, including an empty one', () => {
    expect(refused('https://example.com/mcp#section')).toMatch(/#fragment/);
    expect(refused('https://example.com/mcp#')).toMatch(/#fragment/);
  });

  it('refuses empty input, non-strings and garbage with a reason', () => {
    expect(refused('')).toBe('Enter the server URL (https://…).');
    expect(refused('   ')).toBe('Enter the server URL (https://…).');
    expect(refused(undefined)).toBe('Enter the server URL (https://…).');
    expect(refused(42)).toBe('Enter the server URL (https://…).');
    expect(refused('not a url')).toBe(`"not a url" is not a URL. Paste the server's full address, starting with https://.`);
    expect(refused('example.com/mcp')).toMatch(/is not a URL/);
    expect(refused('https://')).toMatch(/is not a URL/);
  });

  it('quotes at most 80 characters of garbage', () => {
    const garbage = 'x'.repeat(200);
    expect(refused(garbage)).toBe(`"${'x'.repeat(80)}" is not a URL. Paste the server's full address, starting with https://.`);
  });

  it('refuses URLs longer than 2048 characters', () => {
    const long = 'https://example.com/' + 'a'.repeat(2048);
    expect(refused(long)).toBe('That URL is longer than 2048 characters.');
    const fits = 'https://example.com/' + 'a'.repeat(2048 - 'https://example.com/'.length);
    expect(validateServerUrl(fits).ok).toBe(true);
  });
});

describe('validateHeaders', () => {
  it('treats a missing value as no headers', () => {
    expect(validateHeaders(undefined)).toEqual({ ok: true, value: {} });
    expect(validateHeaders(null)).toEqual({ ok: true, value: {} });
  });

  it('accepts ordinary headers as typed', () => {
    expect(validateHeaders({ Authorization: 'Bearer ${env:TOKEN}', 'X-Api-Key': 'abc', 'x-empty': '' })).toEqual({
      ok: true,
      value: { Authorization: 'Bearer ${env:TOKEN}', 'X-Api-Key': 'abc', 'x-empty': '' },
    });
  });

  it('refuses non-objects', () => {
    expect(validateHeaders('Authorization: x')).toEqual({ ok: false, error: 'Headers must be name → value pairs.' });
    expect(validateHeaders([['a', 'b']])).toEqual({ ok: false, error: 'Headers must be name → value pairs.' });
  });

  it('refuses reserved names in any case', () => {
    for (const name of [
      'Host',
      'content-length',
      'Content-Type',
      'ACCEPT',
      'Connection',
      'Transfer-Encoding',
      'Mcp-Session-Id',
      'MCP-Protocol-Version',
      'Last-Event-ID',
      'Mcp-Method',
      'mcp-name',
    ]) {
      expect(validateHeaders({ [name]: 'x' })).toEqual({
        ok: false,
        error: `The ${name} header is managed by MCP Switchboard and cannot be set.`,
      });
    }
  });

  it('refuses invalid header names', () => {
    expect(validateHeaders({ 'X Bad': 'v' })).toEqual({ ok: false, error: '"X Bad" is not a valid header name.' });
    expect(validateHeaders({ 'X:Colon': 'v' })).toEqual({ ok: false, error: '"X:Colon" is not a valid header name.' });
    expect(validateHeaders({ '': 'v' })).toEqual({ ok: false, error: '"" is not a valid header name.' });
    expect(validateHeaders({ Ünicode: 'v' })).toEqual({ ok: false, error: '"Ünicode" is not a valid header name.' });
  });

  it('refuses line breaks and NUL in values (header injection)', () => {
    expect(validateHeaders({ 'X-A': 'a\r\nX-Injected: 1' })).toEqual({ ok: false, error: 'The value of X-A contains a line break.' });
    expect(validateHeaders({ 'X-A': 'a\nb' })).toEqual({ ok: false, error: 'The value of X-A contains a line break.' });
    expect(validateHeaders({ 'X-A': 'a\rb' })).toEqual({ ok: false, error: 'The value of X-A contains a line break.' });
    expect(validateHeaders({ 'X-A': 'a\0b' })).toEqual({ ok: false, error: 'The value of X-A contains a line break.' });
  });

  it('refuses non-text values', () => {
    expect(validateHeaders({ 'X-N': 5 })).toEqual({ ok: false, error: 'The value of X-N must be text.' });
    expect(validateHeaders({ 'X-N': null })).toEqual({ ok: false, error: 'The value of X-N must be text.' });
  });
});

describe('resolveHeaders', () => {
  it('substitutes ${env:NAME} from the given environment', () => {
    const r = resolveHeaders(
      { Authorization: 'Bearer ${env:MY_TOKEN}', 'X-Both': '${env:A}-${env:B}', 'X-Plain': 'plain' },
      { MY_TOKEN: 'tok123', A: 'a', B: 'b' },
    );
    expect(r).toEqual({ headers: { Authorization: 'Bearer tok123', 'X-Both': 'a-b', 'X-Plain': 'plain' }, missing: [] });
  });

  it('reports missing variables by name and substitutes them with an empty string', () => {
    const r = resolveHeaders({ Authorization: 'Bearer ${env:NOPE}', 'X-Key': '${env:ALSO_MISSING}!' }, { OTHER: 'x' });
    expect(r.headers).toEqual({ Authorization: 'Bearer ', 'X-Key': '!' });
    expect(r.missing).toEqual(['NOPE', 'ALSO_MISSING']);
  });

  it('reports a variable missing in several places once', () => {
    const r = resolveHeaders({ 'X-A': '${env:GONE}', 'X-B': '${env:GONE}/${env:GONE}' }, {});
    expect(r.headers).toEqual({ 'X-A': '', 'X-B': '/' });
    expect(r.missing).toEqual(['GONE']);
  });

  it('keeps an empty but set variable and leaves other ${...} text alone', () => {
    const r = resolveHeaders({ 'X-A': '[${env:EMPTY}]', 'X-B': '${NAME} ${env:1BAD} ${env:}' }, { EMPTY: '', NAME: 'n' });
    expect(r).toEqual({ headers: { 'X-A': '[]', 'X-B': '${NAME} ${env:1BAD} ${env:}' }, missing: [] });
  });

  it('does not re-expand substituted values', () => {
    const r = resolveHeaders({ 'X-A': '${env:OUTER}' }, { OUTER: '${env:INNER}', INNER: 'no' });
    expect(r.headers['X-A']).toBe('${env:INNER}');
  });
});

describe('makeServerId', () => {
  const none = () => false;

  it('slugs names to lower-case ASCII with dashes', () => {
    expect(makeServerId('Notion', none)).toBe('notion');
    expect(makeServerId('My  Linear   Server!', none)).toBe('my-linear-server');
    expect(makeServerId('--a.b_c--', none)).toBe('a-b-c');
    expect(makeServerId('mcp.example.com', none)).toBe('mcp-example-com');
  });

  it('folds accents and compatibility characters to their ASCII letters', () => {
    expect(makeServerId('Café', none)).toBe('cafe');
    expect(makeServerId('Crème Brûlée', none)).toBe('creme-brulee');
    expect(makeServerId('Ｆｕｌｌｗｉｄｔｈ', none)).toBe('fullwidth');
    expect(makeServerId('ﬁle', none)).toBe('file');
  });

  it('falls back to "server" when nothing ASCII is left', () => {
    expect(makeServerId('日本語', none)).toBe('server');
    expect(makeServerId('🚀🚀', none)).toBe('server');
    expect(makeServerId('', none)).toBe('server');
    expect(makeServerId('Sørvér ✓ 日本', none)).toBe('s-rver');
  });

  it('caps the base at 24 characters without a trailing dash', () => {
    expect(makeServerId('abcdefghijklmnopqrstuvwxyz0123', none)).toBe('abcdefghijklmnopqrstuvwx');
    // Cut lands right after a separator: the dash goes.
    expect(makeServerId('abcdefghijklmnopqrstuvw yz', none)).toBe('abcdefghijklmnopqrstuvw');
  });

  it('adds -2, -3, … until the id is free', () => {
    const taken = new Set(['notion', 'notion-2', 'notion-3']);
    expect(makeServerId('Notion', (id) => taken.has(id))).toBe('notion-4');
    expect(makeServerId('日本', (id) => id === 'server')).toBe('server-2');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(makeServerId('Linear', (id) => ids.includes(id)));
    expect(ids).toEqual(['linear', 'linear-2', 'linear-3', 'linear-4', 'linear-5']);
  });

  it('only produces file- and client-safe characters', () => {
    for (const name of ['a/b\\c', '../../etc', 'x:y*z?', 'CON', 'tab\there', 'Ωmega']) {
      expect(makeServerId(name, none)).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
    }
    expect(makeServerId('../../etc', none)).toBe('etc');
  });
});

describe('defaultName', () => {
  it('uses the host without the usual prefixes', () => {
    expect(defaultName('https://mcp.notion.com/mcp')).toBe('notion.com');
    expect(defaultName('https://www.example.org/')).toBe('example.org');
    expect(defaultName('https://api.github.com/mcp')).toBe('github.com');
    expect(defaultName('https://mcp.api.x.com/')).toBe('api.x.com');
    expect(defaultName('https://mcpserver.io/')).toBe('mcpserver.io');
    expect(defaultName('http://localhost:3000/mcp')).toBe('localhost');
    expect(defaultName('http://[::1]:3000/mcp')).toBe('[::1]');
  });

  it('throws on something that is not a URL (callers validate first)', () => {
    expect(() => defaultName('nope')).toThrow(TypeError);
  });
});

describe('validateName', () => {
  it('treats empty as "no name given"', () => {
    for (const v of [undefined, null, '', '   ']) expect(validateName(v)).toEqual({ ok: true, value: undefined });
  });

  it('trims and accepts ordinary names, including non-ASCII', () => {
    expect(validateName('  My Server ')).toEqual({ ok: true, value: 'My Server' });
    expect(validateName('Café 日本')).toEqual({ ok: true, value: 'Café 日本' });
    expect(validateName('x'.repeat(64))).toEqual({ ok: true, value: 'x'.repeat(64) });
  });

  it('refuses non-text, too long and control characters', () => {
    expect(validateName(5)).toEqual({ ok: false, error: 'The name must be text.' });
    expect(validateName({})).toEqual({ ok: false, error: 'The name must be text.' });
    expect(validateName('x'.repeat(65))).toEqual({ ok: false, error: 'Keep the name under 64 characters.' });
    expect(validateName('a\nb')).toEqual({ ok: false, error: 'The name contains control characters.' });
    expect(validateName('a\u0000b')).toEqual({ ok: false, error: 'The name contains control characters.' });
    expect(validateName('a\tb')).toEqual({ ok: false, error: 'The name contains control characters.' });
  });
});

/**
 * Fuzz of deep links (links.ts): any string, and links built around hostile server URLs, give
 * either a proposal with an https URL (http only for this computer, no credentials, no fragment)
 * or a refusal with a short printable reason. Never a throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzBudget } from '../../test/fixtures/fuzz';
import { parseAppLink } from './links';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function checkVerdict(raw: unknown): void {
  const r = parseAppLink(raw);
  if (r.kind === 'invalid') {
    expect(typeof r.reason).toBe('string');
    expect(r.reason.length).toBeLessThanOrEqual(400);
    expect(CONTROL.test(r.reason), JSON.stringify(r.reason)).toBe(false);
    return;
  }
  if (r.kind === 'oauth') {
    expect(r.url).toBe(raw);
    expect(new URL(r.url).protocol).toBe('mcp-switchboard:');
    return;
  }
  if (r.kind === 'install') {
    expect(r.name).toMatch(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/);
    expect(CONTROL.test(r.registry)).toBe(false);
    return;
  }
  expect(r.kind).toBe('add');
  const u = new URL(r.url);
  expect(['https:', 'http:']).toContain(u.protocol);
  if (u.protocol === 'http:') expect(u.hostname).toMatch(LOOPBACK);
  expect(u.username).toBe('');
  expect(u.password).toBe('');
  expect(u.hash).toBe('');
  expect(r.url.includes('#')).toBe(false);
  if (r.name !== undefined) expect(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(r.name)).toBe(false);
}

const hostileTarget = fc.oneof(
  fc.webUrl({
    validSchemes: ['https', 'http', 'file', 'javascript', 'data', 'ftp', 'mcp-switchboard'],
    withFragments: true,
    withQueryParameters: true,
    authoritySettings: { withUserInfo: true, withIPv4: true, withIPv6: true, withPort: true },
  }),
  fc.constantFrom(
    'javascript:alert(1)//https://ok.example',
    'data:text/html,<script>alert(1)</script>',
    'https://evil.example\\@good.example/mcp',
    'https://good.example%2F@evil.example/mcp',
    'https://good.example@evil.example/mcp',
    'http://127.0.0.1.evil.example/mcp',
    'http://localhost.evil.example/mcp',
    'http://0x7f000001/mcp',
    'http://[::ffff:127.0.0.1]/mcp',
    'http://[::1]:8080/mcp',
    'https://xn--80ak6aa92e.com/mcp',
    'https://exa\u0000mple.com/mcp',
    'https://example.com/mcp#',
    'https://example.com/\u2028mcp',
    ' https://example.com/mcp ',
    'HTTPS://EXAMPLE.COM/MCP',
    'https:example.com',
    '//evil.example/mcp',
    'https://' + 'a'.repeat(3000) + '.example/mcp',
  ),
  fc.string({ maxLength: 60, unit: 'binary' }),
);
const name = fc.option(fc.oneof(fc.string({ maxLength: 40, unit: 'binary' }), fc.constantFrom('Linear', '<img src=x>', '\u202eevil', 'a\nb', '')), {
  nil: undefined,
});
const scheme = fc.constantFrom(
  'mcp-switchboard://',
  'MCP-SWITCHBOARD://',
  'mcp-switchboard:',
  'mcp-switchboard:///',
  'mcp-switchboard://x@',
  'https://',
  'mcp-switchboard\u0000://',
);
const action = fc.constantFrom('add', 'ADD', 'oauth/callback', 'add/', 'add/../oauth', 'delete', '', '%61dd');
const link = fc.tuple(scheme, action, hostileTarget, name, fc.boolean(), fc.boolean()).map(([s, a, target, n, encode, extra]) => {
  const q = new URLSearchParams();
  let url = `${s}${a}?url=${encode ? encodeURIComponent(target) : target}`;
  if (n !== undefined) {
    q.set('name', n);
    url += `&${q}`;
  }
  if (extra) url += `&url=https://second.example/mcp#frag`;
  return url;
});

describe('parseAppLink (fuzz)', () => {
  it('any string: a safe proposal or a short printable refusal, never a throw', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300, unit: 'binary' }), link), checkVerdict), fuzzBudget(3000, 3000));
  });

  it('links around hostile server URLs', () => {
    fc.assert(fc.property(link, checkVerdict), fuzzBudget(3000, 3000));
  });

  it('anything that is not a string is refused', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        fc.pre(typeof v !== 'string');
        checkVerdict(v);
      }),
      fuzzBudget(300, 1000),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { PASSING_MAX, Redactor } from './redactor';

describe('Redactor', () => {
  it('removes registered secret values everywhere they appear', () => {
    const r = new Redactor();
    r.add('supersecret-123', 'another-one');
    expect(r.redact('key supersecret-123 and supersecret-123, also another-one.')).toBe('key [redacted] and [redacted], also [redacted].');
  });

  it('ignores short and empty values, and duplicates', () => {
    const r = new Redactor();
    r.add('abc', '', undefined, '12345');
    expect(r.redact('abc 12345')).toBe('abc 12345');
    r.add('123456', '123456');
    expect(r.redact('x123456y')).toBe('x[redacted]y');
  });

  it('removes a secret that contains another secret whole', () => {
    const r = new Redactor();
    r.add('token-abc', 'token-abc-extended');
    expect(r.redact('v=token-abc-extended;w=token-abc')).toBe('v=[redacted];w=[redacted]');
  });

  it('treats secrets as text, not patterns', () => {
    const r = new Redactor();
    r.add('a.b*c+d(e)$');
    expect(r.redact('x a.b*c+d(e)$ y aXbbc+d(e)$')).toBe('x [redacted] y aXbbc+d(e)$');
  });

  it('redacts Bearer and Basic credentials it was never told about', () => {
    const r = new Redactor();
    expect(r.redact('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig-_~+/=')).toBe('Authorization: Bearer [redacted]');
    expect(r.redact('authorization: bearer abcdefgh12345678 next')).toBe('authorization: bearer [redacted] next');
    expect(r.redact('Authorization: Basic dXNlcjpwYXNzd29yZA==')).toBe('Authorization: Basic [redacted]');
    // Short words after "Bearer" are prose, not tokens.
    expect(r.redact('Bearer token missing')).toBe('Bearer token missing');
  });

  it('redacts token-like query parameters and keeps the rest of the URL', () => {
    const r = new Redactor();
    expect(r.redact('GET https://x.example.com/cb?code=abc123&state=xyz')).toBe('GET https://x.example.com/cb?code=[redacted]&state=xyz');
    expect(r.redact('https://h/p?a=1&access_token=eyJ.x.y#frag')).toBe('https://h/p?a=1&access_token=[redacted]#frag');
    expect(r.redact('?api_key=K1&apikey=K2&key=K3&token=K4&client_secret=K5&refresh_token=K6 end')).toBe(
      '?api_key=[redacted]&apikey=[redacted]&key=[redacted]&token=[redacted]&client_secret=[redacted]&refresh_token=[redacted] end',
    );
    expect(r.redact('https://h/p?TOKEN=AbC')).toBe('https://h/p?TOKEN=[redacted]');
    // Parameters that merely end in a sensitive name are left alone.
    expect(r.redact('https://h/p?monkey=banana&state=s')).toBe('https://h/p?monkey=banana&state=s');
  });

  it('redacts the secrets of server URLs: api-key, secret, auth, passwords, key-like path segments (issue 12)', () => {
    const r = new Redactor();
    expect(r.redact('Added https://mcp.example.com/u/sk-live-4f9a8b7c6d5e4f3a2b1c/mcp?api-key=K1&secret=K2&auth=K3&region=eu.')).toBe(
      'Added https://mcp.example.com/u/[redacted]/mcp?api-key=[redacted]&secret=[redacted]&auth=[redacted]&region=eu.',
    );
    expect(r.redact('Cannot reach https://bob:hunter2@h.example/mcp (ECONNREFUSED)')).toBe('Cannot reach https://bob:[redacted]@h.example/mcp (ECONNREFUSED)');
    // Redacting twice changes nothing.
    const once = r.redact('GET https://x.example.com/cb?code=abc123&state=xyz');
    expect(r.redact(once)).toBe(once);
  });

  it('leaves ordinary text unchanged', () => {
    const r = new Redactor();
    r.add('s3cr3t-value');
    const text = 'Client connected (claude); 3 requests, 0 errors';
    expect(r.redact(text)).toBe(text);
  });

  it('keeps only the newest short-lived values, never forgets a lasting one, and still masks an old token sent as Bearer', () => {
    const r = new Redactor();
    r.add('connector-secret-1');
    const tokens = Array.from({ length: PASSING_MAX + 10 }, (_, i) => `access-token-${String(i).padStart(4, '0')}`);
    r.addPassing(...tokens.slice(0, PASSING_MAX));
    r.addPassing(tokens[0]); // used again: the newest now
    r.addPassing(...tokens.slice(PASSING_MAX)); // ten more: the ten oldest (1 to 10) go
    expect(r.redact(`${tokens.at(-1)} ${tokens[11]} ${tokens[0]} connector-secret-1`)).toBe('[redacted] [redacted] [redacted] [redacted]');
    // The oldest ones are forgotten as values...
    expect(r.redact(`x ${tokens[1]} y`)).toBe(`x ${tokens[1]} y`);
    // ...but a token in a header line is masked by its shape.
    expect(r.redact(`Authorization: Bearer ${tokens[1]}`)).toBe('Authorization: Bearer [redacted]');
    // A value registered as lasting stays so, whatever passes after it.
    r.addPassing('connector-secret-1');
    r.addPassing(...Array.from({ length: PASSING_MAX }, (_, i) => `later-token-${i}`));
    expect(r.redact('connector-secret-1')).toBe('[redacted]');
  });
});

// The pure helpers of the upstream module (the session itself is tested end to end elsewhere).
import { describe, expect, it } from 'vitest';
import { describeFailure, displayUrl, httpStatusOf, networkReason, transportCandidates } from './upstream';

describe('transportCandidates', () => {
  it('tries Streamable HTTP first, then HTTP+SSE at the same URL', () => {
    expect(transportCandidates('https://x.example.com/mcp')).toEqual([
      { kind: 'streamable-http', url: 'https://x.example.com/mcp' },
      { kind: 'sse', url: 'https://x.example.com/mcp' },
    ]);
  });

  it('for a /sse URL also tries the sibling /mcp with Streamable HTTP, before SSE', () => {
    expect(transportCandidates('https://x.example.com/v1/sse')).toEqual([
      { kind: 'streamable-http', url: 'https://x.example.com/v1/sse' },
      { kind: 'streamable-http', url: 'https://x.example.com/v1/mcp' },
      { kind: 'sse', url: 'https://x.example.com/v1/sse' },
    ]);
    expect(transportCandidates('https://x.example.com/sse/?k=1')).toEqual([
      { kind: 'streamable-http', url: 'https://x.example.com/sse/?k=1' },
      { kind: 'streamable-http', url: 'https://x.example.com/mcp?k=1' },
      { kind: 'sse', url: 'https://x.example.com/sse/?k=1' },
    ]);
  });

  it('does not treat a path that merely contains "sse" as /sse', () => {
    expect(transportCandidates('https://x.example.com/classes').map((c) => c.url)).toEqual(['https://x.example.com/classes', 'https://x.example.com/classes']);
    expect(transportCandidates('https://x.example.com/sse/more')).toHaveLength(2);
  });

  it('moves the transport that worked last time to the front', () => {
    expect(transportCandidates('https://x.example.com/sse', { kind: 'sse', url: 'https://x.example.com/sse' })).toEqual([
      { kind: 'sse', url: 'https://x.example.com/sse' },
      { kind: 'streamable-http', url: 'https://x.example.com/sse' },
      { kind: 'streamable-http', url: 'https://x.example.com/mcp' },
    ]);
    expect(
      transportCandidates('https://x.example.com/sse', { kind: 'streamable-http', url: 'https://x.example.com/mcp' }).map((c) => `${c.kind} ${c.url}`),
    ).toEqual(['streamable-http https://x.example.com/mcp', 'streamable-http https://x.example.com/sse', 'sse https://x.example.com/sse']);
  });

  it('ignores a preferred transport that is not a candidate (the URL changed)', () => {
    expect(transportCandidates('https://new.example.com/mcp', { kind: 'sse', url: 'https://old.example.com/sse' })).toEqual([
      { kind: 'streamable-http', url: 'https://new.example.com/mcp' },
      { kind: 'sse', url: 'https://new.example.com/mcp' },
    ]);
  });
});

describe('httpStatusOf', () => {
  it('reads data.status, status, or an HTTP-range numeric code', () => {
    expect(httpStatusOf({ data: { status: 404 }, status: 500 })).toBe(404);
    expect(httpStatusOf(Object.assign(new Error('x'), { status: 403 }))).toBe(403);
    expect(httpStatusOf(Object.assign(new Error('SSE error'), { code: 405 }))).toBe(405);
  });

  it('is undefined for everything else', () => {
    expect(httpStatusOf(Object.assign(new Error('x'), { code: -32000 }))).toBeUndefined();
    expect(httpStatusOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined();
    expect(httpStatusOf(Object.assign(new Error('x'), { code: 99 }))).toBeUndefined();
    expect(httpStatusOf(Object.assign(new Error('x'), { code: 600 }))).toBeUndefined();
    expect(httpStatusOf({ status: '500' })).toBeUndefined();
    expect(httpStatusOf(new Error('plain'))).toBeUndefined();
    expect(httpStatusOf(null)).toBeUndefined();
    expect(httpStatusOf(undefined)).toBeUndefined();
    expect(httpStatusOf('503')).toBeUndefined();
  });
});

describe('networkReason', () => {
  function fetchFailed(code: string): TypeError {
    return new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) });
  }

  it('names well-known codes in words, found on the error or its causes', () => {
    expect(networkReason(fetchFailed('ECONNREFUSED'))).toBe('connection refused (ECONNREFUSED)');
    expect(networkReason(fetchFailed('ENOTFOUND'))).toBe('host not found (ENOTFOUND)');
    expect(networkReason(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }))).toBe('TLS certificate expired (CERT_HAS_EXPIRED)');
    const deep = new Error('a', { cause: new Error('b', { cause: Object.assign(new Error('c'), { code: 'UND_ERR_CONNECT_TIMEOUT' }) }) });
    expect(networkReason(deep)).toBe('connection timed out (UND_ERR_CONNECT_TIMEOUT)');
  });

  it('returns an unknown code as is', () => {
    expect(networkReason(fetchFailed('EPROTO'))).toBe('EPROTO');
  });

  it('describes a bare "fetch failed" by its cause message', () => {
    expect(networkReason(new TypeError('fetch failed', { cause: new Error('other side closed') }))).toBe('network error (other side closed)');
    expect(networkReason(new TypeError('fetch failed'))).toBe('network error');
  });

  it('is undefined for errors that are not network errors', () => {
    expect(networkReason(new Error('Unexpected content type'))).toBeUndefined();
    expect(networkReason(new TypeError('x is not a function'))).toBeUndefined();
    expect(networkReason(null)).toBeUndefined();
    expect(networkReason(Object.assign(new Error('x'), { code: 404 }))).toBeUndefined();
  });

  it('stops following causes after a few levels (cycles)', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    a.cause = a;
    expect(networkReason(a)).toBeUndefined();
  });
});

describe('describeFailure', () => {
  const url = 'https://user:pw@mcp.example.com/mcp?api_key=SECRET';

  it('401 and Unauthorized errors are auth failures', () => {
    expect(describeFailure(Object.assign(new Error('x'), { status: 401 }), url)).toEqual({
      kind: 'auth',
      status: 401,
      message: 'Upstream https://mcp.example.com/mcp answered 401 Unauthorized',
    });
    class UnauthorizedError extends Error {
      override name = 'UnauthorizedError';
    }
    expect(describeFailure(new UnauthorizedError('no token'), url).kind).toBe('auth');
  });

  it('HTTP statuses carry their text when known', () => {
    expect(describeFailure({ status: 502 }, url)).toEqual({
      kind: 'http',
      status: 502,
      message: 'Upstream https://mcp.example.com/mcp answered 502 Bad Gateway',
    });
    expect(describeFailure(Object.assign(new Error('SSE error'), { code: 404 }), url).message).toBe(
      'Upstream https://mcp.example.com/mcp answered 404 Not Found',
    );
    expect(describeFailure({ status: 418 }, url)).toEqual({ kind: 'http', status: 418, message: 'Upstream https://mcp.example.com/mcp answered 418' });
  });

  it('network errors say why the server cannot be reached', () => {
    const err = new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) });
    expect(describeFailure(err, url)).toEqual({
      kind: 'network',
      message: 'Cannot reach upstream https://mcp.example.com/mcp: connection refused (ECONNREFUSED)',
    });
  });

  it('anything else is a protocol failure with its message', () => {
    expect(describeFailure(new Error('Unexpected content type: text/html'), url)).toEqual({
      kind: 'protocol',
      message: 'Upstream https://mcp.example.com/mcp failed: Unexpected content type: text/html',
    });
    expect(describeFailure('weird', url)).toEqual({ kind: 'protocol', message: 'Upstream https://mcp.example.com/mcp failed: weird' });
  });

  it('never shows the credentials or query of the URL', () => {
    for (const err of [{ status: 500 }, new Error('x'), { status: 401 }]) {
      const m = describeFailure(err, url).message;
      expect(m).not.toContain('SECRET');
      expect(m).not.toContain('pw');
      expect(m).not.toContain('user');
    }
  });
});

describe('displayUrl', () => {
  it('strips query, fragment and credentials, keeps the port and path', () => {
    expect(displayUrl('https://user:pass@h.example.com:8443/a/mcp?token=abc#x')).toBe('https://h.example.com:8443/a/mcp');
    expect(displayUrl('http://127.0.0.1:3000/mcp')).toBe('http://127.0.0.1:3000/mcp');
    expect(displayUrl('https://h.example.com')).toBe('https://h.example.com/');
  });

  it('says so for an invalid URL instead of echoing it', () => {
    expect(displayUrl('not a url with secret=123')).toBe('(invalid URL)');
  });
});

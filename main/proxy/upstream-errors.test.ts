/**
 * What a failed attempt means for its request (message-path/delivery.ts), from the errors the fast
 * path and the SDK give: against real local servers where the fact depends on the wire (was the
 * request written before the connection broke?), from error shapes otherwise.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FastPostHttpError, FastPostNetworkError, fastPost } from './fast-post';
import { deliveryFailure, failureAnswer } from './upstream-errors';

const URL_ = 'http://127.0.0.1:9/mcp';
let servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

async function serve(handler: http.RequestListener): Promise<URL> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return new URL(`http://127.0.0.1:${(s.address() as AddressInfo).port}/mcp`);
}

function post(url: URL): Promise<unknown> {
  return fastPost(
    { url, body: '{"jsonrpc":"2.0","id":1,"method":"tools/call"}', headers: {}, onMessage: () => {}, onResume: () => {}, onLost: () => {} },
    true,
  ).then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('deliveryFailure', () => {
  it('a refused connection: not sent', async () => {
    const url = await serve(() => {});
    await new Promise((r) => servers.pop()!.close(r));
    const err = await post(url);
    expect(err).toBeInstanceOf(FastPostNetworkError);
    expect((err as FastPostNetworkError).written).toBe(false);
    expect(deliveryFailure(err, url.href)).toMatchObject({
      delivery: 'not-sent',
      what: 'the server refused the connection',
      failure: { kind: 'network', message: expect.stringMatching(/connection refused \(ECONNREFUSED\)$/) },
    });
  });

  it('a connection reset after the request was read: sent, outcome unknown', async () => {
    const url = await serve((req) => {
      req.resume();
      req.on('end', () => req.socket.destroy());
    });
    const err = await post(url);
    expect((err as FastPostNetworkError).written).toBe(true);
    expect(deliveryFailure(err, url.href, { written: true })).toMatchObject({
      delivery: 'maybe-processed',
      what: 'the connection broke after the request was sent',
    });
  });

  it('by status: 503/429/408 not processed, 502/504 unknown, 500/400 a definite answer, 404 on a session lost', () => {
    const of = (status: number, facts = {}) => deliveryFailure(new FastPostHttpError(status, ''), URL_, facts).delivery;
    expect([503, 429, 408].map((s) => of(s))).toEqual(['not-processed', 'not-processed', 'not-processed']);
    expect([502, 504].map((s) => of(s))).toEqual(['maybe-processed', 'maybe-processed']);
    expect([500, 400, 404, 405].map((s) => of(s))).toEqual(['processed', 'processed', 'processed', 'processed']);
    expect(deliveryFailure(new FastPostHttpError(404, 'Not Found'), URL_, { sessionGeneration: 4 })).toMatchObject({
      delivery: 'not-processed',
      lostSession: 4,
    });
    expect(deliveryFailure(new FastPostHttpError(503, '', 7), URL_).failure.retryAfterS).toBe(7);
  });

  it('SDK network errors by their code: before sending (DNS, TLS, refused) or not known', () => {
    const fetchFailed = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
    expect(
      ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'CERT_HAS_EXPIRED', 'UND_ERR_CONNECT_TIMEOUT'].map((c) => deliveryFailure(fetchFailed(c), URL_).delivery),
    ).toEqual(Array(5).fill('not-sent'));
    expect(deliveryFailure(fetchFailed('ENOTFOUND'), URL_).what).toBe("the server's name did not resolve");
    expect(deliveryFailure(fetchFailed('UND_ERR_SOCKET'), URL_).delivery).toBe('maybe-processed');
    expect(deliveryFailure(fetchFailed('ECONNRESET'), URL_, { written: false }).delivery).toBe('not-sent');
  });

  it('auth and unreadable answers are answers: never retried by the recovery stage', () => {
    expect(deliveryFailure({ status: 401 }, URL_).delivery).toBe('processed');
    expect(deliveryFailure(new Error('Unexpected content type: text/html'), URL_).delivery).toBe('processed');
  });

  it("a call's error says what happened to it, never the health check's schedule", () => {
    expect(failureAnswer({ kind: 'network', message: 'Cannot reach upstream x: connection refused' }, 'S')).toEqual({
      code: -32011,
      text: 'Cannot reach upstream x: connection refused.',
    });
    expect(failureAnswer({ kind: 'auth', status: 401, message: 'Upstream x answered 401 Unauthorized' }, 'S').text).toBe(
      'Upstream x answered 401 Unauthorized. Sign in to S in MCP Switchboard.',
    );
  });
});

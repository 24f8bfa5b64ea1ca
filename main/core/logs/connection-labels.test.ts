// Who is on each proxy connection: the log lines the proxy writes (main/proxy/proxy-runtime.ts)
// are fed in as they come; the app's own tools listing is labelled and kept out of the counters.
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../common/contract';
import { ConnectionLabels, OWN_CONNECTION_TAG } from './connection-labels';

const line = (connection: number, message: string, extra: Partial<LogEvent> = {}): LogEvent => ({
  ts: 1,
  level: 'info',
  server: 'acme',
  connection,
  message,
  ...extra,
});
const request = (connection: number, id: number, method = 'tools/list'): LogEvent =>
  line(connection, `→ ${method}`, { level: 'debug', method, id, direction: 'client-to-server' });
const answer = (connection: number, id: number, ok = true, method = 'tools/list'): LogEvent =>
  line(connection, ok ? `${method} ok` : `${method} failed: boom`, { level: ok ? 'info' : 'warn', method, id, direction: 'server-to-client', durationMs: 3 });

describe('ConnectionLabels', () => {
  it("the app's own tools listing is worded as such and not counted: a fresh server shows no client traffic", () => {
    const labels = new ConnectionLabels({ clientName: (tag) => (tag === 'pid 7' ? 'Claude Desktop' : undefined) });
    const connected = labels.label(line(1, `Client connected (${OWN_CONNECTION_TAG})`));
    expect(connected).toMatchObject({ own: true, client: 'Switchboard', message: expect.stringMatching(/list the tools.*not a client/) });
    for (const e of [request(1, 1, 'initialize'), answer(1, 1, true, 'initialize'), request(1, 2), answer(1, 2)]) {
      expect(labels.label(e)).toMatchObject({ own: true, client: 'Switchboard' });
    }
    // What the proxy counted: 1 connection (still open), 2 requests.
    expect(labels.clientCounters('acme', { connections: 1, connectionsTotal: 1, requests: 2, errors: 0 })).toEqual({
      connections: 0,
      connectionsTotal: 0,
      requests: 0,
      errors: 0,
    });
    expect(labels.label(line(1, 'Client disconnected'))).toMatchObject({ own: true, message: 'Switchboard finished listing the tools' });
    expect(labels.clientCounters('acme', { connections: 0, connectionsTotal: 1, requests: 2, errors: 0 })).toEqual({
      connections: 0,
      connectionsTotal: 0,
      requests: 0,
      errors: 0,
    });

    // A real client: named, counted.
    expect(labels.label(line(2, 'Client connected (pid 7)'))).toMatchObject({ client: 'Claude Desktop', message: 'Client connected (Claude Desktop, pid 7)' });
    expect(labels.label(request(2, 5, 'tools/call'))).toMatchObject({ client: 'Claude Desktop' });
    expect(labels.label(request(2, 5, 'tools/call')).own).toBeUndefined();
    expect(labels.label(answer(2, 5, false, 'tools/call'))).toMatchObject({ client: 'Claude Desktop', level: 'warn' });
    expect(labels.clientCounters('acme', { connections: 1, connectionsTotal: 2, requests: 3, errors: 1 })).toEqual({
      connections: 1,
      connectionsTotal: 1,
      requests: 1,
      errors: 1,
    });
  });

  it('an unknown tag stays as it is; lines without a connection pass unchanged; never below zero', () => {
    const labels = new ConnectionLabels({ clientName: (tag) => (tag === 'pid 10' ? 'node (pid 10)' : undefined) });
    expect(labels.label(line(1, 'Client connected (pid 9)'))).toMatchObject({ client: 'pid 9', message: 'Client connected (pid 9)' });
    // A process this table does not know: named by its program, the pid said once.
    expect(labels.label(line(2, 'Client connected (pid 10)'))).toMatchObject({ client: 'node (pid 10)', message: 'Client connected (node (pid 10))' });
    const plain: LogEvent = { ts: 1, level: 'info', server: 'acme', message: 'Proxy started' };
    expect(labels.label(plain)).toBe(plain);
    labels.label(line(3, `Client connected (${OWN_CONNECTION_TAG})`));
    expect(labels.clientCounters('acme', { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 }).connections).toBe(0);
  });

  it('a new proxy process (another pid) counts from the start again; the same pid keeps the tally', () => {
    const labels = new ConnectionLabels();
    labels.observePid('acme', 100);
    labels.label(line(1, `Client connected (${OWN_CONNECTION_TAG})`));
    labels.observePid('acme', 100);
    expect(labels.clientCounters('acme', { connections: 1, connectionsTotal: 1, requests: 0, errors: 0 }).connectionsTotal).toBe(0);
    labels.observePid('acme', undefined);
    labels.observePid('acme', 200);
    expect(labels.clientCounters('acme', { connections: 0, connectionsTotal: 1, requests: 0, errors: 0 }).connectionsTotal).toBe(1);
  });
});

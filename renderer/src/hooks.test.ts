import { describe, expect, it } from 'vitest';
import type { ServerStatus, ServerSummary } from '../../common/contract';
import { mergeServers, newerStatus } from './hooks';

const status = (state: ServerStatus['state'], rev?: number): ServerStatus => ({
  serverId: 'a',
  state,
  since: 1,
  restarts: 0,
  counters: { connections: 0, connectionsTotal: 0, requests: 0, errors: 0 },
  ...(rev !== undefined ? { rev } : {}),
});
const summary = (id: string, s: ServerStatus, name = id): ServerSummary =>
  ({ id, name, url: `https://${id}.example/mcp`, enabled: true, headerNames: [], status: { ...s, serverId: id }, signIn: 'none' }) as unknown as ServerSummary;

describe('newer status wins, whichever path brought it', () => {
  it('keeps a later status the window already has over an older answer', () => {
    const ready = status('ready', 4);
    expect(newerStatus(ready, status('starting', 2))).toBe(ready);
  });

  it('takes a later or equal revision, and any status of a host that counts none', () => {
    const starting = status('starting', 5);
    expect(newerStatus(status('ready', 4), starting)).toBe(starting);
    const same = status('connecting', 4);
    expect(newerStatus(status('ready', 4), same)).toBe(same);
    const plain = status('idle');
    expect(newerStatus(undefined, plain)).toBe(plain);
    expect(newerStatus(status('ready'), plain)).toBe(plain);
  });

  it('a list or summary that carries an old status keeps the rest of its news', () => {
    const held = [summary('a', status('ready', 7)), summary('b', status('ready', 3))];
    const incoming = [summary('a', status('starting', 6), 'Renamed'), summary('b', status('retrying', 4)), summary('c', status('starting', 1))];
    const merged = mergeServers(held, incoming);
    expect(merged.map((s) => [s.id, s.name, s.status.state])).toEqual([
      ['a', 'Renamed', 'ready'],
      ['b', 'b', 'retrying'],
      ['c', 'c', 'starting'],
    ]);
    expect(merged[1]).toBe(incoming[1]);
  });
});

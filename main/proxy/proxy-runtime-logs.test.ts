// The proxy's log stream to main under a busy main. `emit` here is a FAKE parent: it holds the
// "sent" callbacks as a busy IPC channel would, so the test controls when main catches up. Log
// lines are produced through the runtime's own (private) log method: no network is involved.
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../common/contract';
import type { ProxyToParent } from '../shared/fork-protocol';
import { ProxyRuntime } from './proxy-runtime';

const tick = () => new Promise((r) => setImmediate(r));

function runtimeWithSlowParent(maxPendingLogs: number) {
  const batches: LogEvent[][] = [];
  const waiting: Array<() => void> = [];
  const rt = new ProxyRuntime({
    server: { id: 'alpha', name: 'Alpha', url: 'https://alpha.example/mcp', headers: {} },
    endpoint: '/nonexistent/alpha.sock',
    secret: 's',
    maxPendingLogs,
    emit: (msg: ProxyToParent, sent?: () => void) => {
      if (msg.type !== 'logs') return;
      batches.push(msg.events);
      if (sent) waiting.push(sent);
    },
  });
  const log = (message: string) => (rt as unknown as { log(level: string, message: string): void }).log('debug', message);
  const release = () => waiting.splice(0).forEach((f) => f());
  return { batches, log, release };
}

describe('ProxyRuntime log stream', () => {
  it('keeps one batch in flight, holds at most maxPendingLogs more, and reports what it dropped', async () => {
    const { batches, log, release } = runtimeWithSlowParent(100);
    log('first');
    await tick();
    expect(batches).toHaveLength(1);

    // Main is busy: nothing more is sent, and only 100 lines are held.
    for (let i = 0; i < 1000; i++) log(`line ${i}`);
    await tick();
    expect(batches).toHaveLength(1);

    release();
    await tick();
    expect(batches).toHaveLength(2);
    const second = batches[1]!;
    expect(second).toHaveLength(101);
    expect(second[0]!.message).toBe('line 0');
    expect(second[99]!.message).toBe('line 99');
    expect(second[100]).toMatchObject({ level: 'warn', message: "900 log lines were dropped: the app could not keep up with this server's traffic" });

    // Caught up: the stream flows again, with nothing dropped.
    release();
    log('after');
    await tick();
    expect(batches.at(-1)!.map((e) => e.message)).toEqual(['after']);
  });
});

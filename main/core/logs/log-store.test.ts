// The log store over real files in a temp dir.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../common/contract';
import { LogStore, type LogStoreOptions } from './log-store';

let dir: string;
const stores: LogStore[] = [];

function store(opts: Partial<LogStoreOptions> = {}): LogStore {
  const s = new LogStore({ logsDir: path.join(dir, 'logs'), ...opts });
  stores.push(s);
  return s;
}
const ev = (server: string, message: string, level: LogEvent['level'] = 'info', ts = 1): LogEvent => ({ ts, level, server, message });
const tick = () => new Promise<void>((r) => setImmediate(r));
function fileEvents(s: LogStore, server: string): LogEvent[] {
  const p = s.filePath(server);
  if (!fs.existsSync(p)) return [];
  return fs
    .readFileSync(p, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogEvent);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-logstore-'));
});

afterEach(async () => {
  for (const s of stores.splice(0)) s.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('LogStore', () => {
  it('keeps a ring per server', () => {
    const s = store({ ringSize: 3 });
    for (let i = 1; i <= 5; i++) s.append(ev('a', `a${i}`));
    s.append(ev('b', 'b1'));
    expect(s.tail('a').map((e) => e.message)).toEqual(['a3', 'a4', 'a5']);
    expect(s.tail('a', 2).map((e) => e.message)).toEqual(['a4', 'a5']);
    expect(s.tail('b')).toEqual([ev('b', 'b1')]);
    expect(s.tail('nobody')).toEqual([]);
  });

  it('writes one JSON line per event to <logsDir>/<server>.log, once per tick', async () => {
    const s = store();
    s.append({ ...ev('a', 'hello'), method: 'tools/list', id: 3, durationMs: 12 });
    s.append(ev('b', 'other'));
    expect(fileEvents(s, 'a')).toEqual([]); // batched: written with the tick's listeners batch
    await tick();
    expect(s.filePath('a')).toBe(path.join(dir, 'logs', 'a.log'));
    expect(fileEvents(s, 'a')).toEqual([{ ...ev('a', 'hello'), method: 'tools/list', id: 3, durationMs: 12 }]);
    expect(fileEvents(s, 'b')).toEqual([ev('b', 'other')]);
    if (process.platform !== 'win32') expect(fs.statSync(s.filePath('a')).mode & 0o777).toBe(0o600);
  });

  it('writes only events at or above the file level to disk, but keeps all in the ring', async () => {
    const s = store({ fileLevel: 'warn' });
    s.append(ev('a', 'd', 'debug'));
    s.append(ev('a', 'i', 'info'));
    s.append(ev('a', 'w', 'warn'));
    s.append(ev('a', 'e', 'error'));
    expect(s.tail('a').map((e) => e.message)).toEqual(['d', 'i', 'w', 'e']);
    await tick();
    expect(fileEvents(s, 'a').map((e) => e.message)).toEqual(['w', 'e']);
  });

  it('leaves debug out of the file by default', async () => {
    const s = store();
    s.append(ev('a', 'd', 'debug'));
    s.append(ev('a', 'i', 'info'));
    await tick();
    expect(fileEvents(s, 'a').map((e) => e.message)).toEqual(['i']);
  });

  it('redacts before storing in the ring, writing the file and telling listeners', async () => {
    const s = store();
    s.redactor.add('very-secret-header-value');
    const seen: LogEvent[] = [];
    s.onDidAppend((events) => seen.push(...events));
    s.append(ev('a', 'sent X-Key: very-secret-header-value with Authorization: Bearer abcdefghijklmnop'));
    s.append(ev('a', 'redirect to https://h/cb?code=AUTHCODE123&state=s'));
    await tick();
    const expected = ['sent X-Key: [redacted] with Authorization: Bearer [redacted]', 'redirect to https://h/cb?code=[redacted]&state=s'];
    expect(s.tail('a').map((e) => e.message)).toEqual(expected);
    expect(fileEvents(s, 'a').map((e) => e.message)).toEqual(expected);
    expect(seen.map((e) => e.message)).toEqual(expected);
    const raw = fs.readFileSync(s.filePath('a'), 'utf8');
    expect(raw).not.toContain('very-secret-header-value');
    expect(raw).not.toContain('AUTHCODE123');
    expect(raw).not.toContain('abcdefghijklmnop');
  });

  it('batches the events of one tick into one onDidAppend call', async () => {
    const s = store();
    const calls: string[][] = [];
    const off = s.onDidAppend((events) => calls.push(events.map((e) => e.message)));
    s.append(ev('a', '1'));
    s.append(ev('b', '2'));
    s.append(ev('a', '3'));
    expect(calls).toEqual([]); // not synchronously
    await tick();
    expect(calls).toEqual([['1', '2', '3']]);
    s.append(ev('a', '4'));
    await tick();
    expect(calls).toEqual([['1', '2', '3'], ['4']]);
    await tick();
    expect(calls).toHaveLength(2); // no empty batches
    off();
    s.append(ev('a', '5'));
    await tick();
    expect(calls).toHaveLength(2);
  });

  it('gives every listener the same batch', async () => {
    const s = store();
    const a: number[] = [];
    const b: number[] = [];
    s.onDidAppend((events) => a.push(events.length));
    s.onDidAppend((events) => b.push(events.length));
    s.append(ev('x', '1'));
    s.append(ev('x', '2'));
    await tick();
    expect(a).toEqual([2]);
    expect(b).toEqual([2]);
  });

  it('rotates the per-server file at maxFileBytes', async () => {
    const s = store({ maxFileBytes: 200, keepFiles: 2 });
    for (let i = 0; i < 10; i++) {
      s.append(ev('a', `message number ${i} ${'x'.repeat(20)}`));
      await tick();
    }
    const files = fs.readdirSync(path.join(dir, 'logs')).sort();
    expect(files).toEqual(['a.log', 'a.log.1', 'a.log.2']);
    for (const f of files) expect(fs.statSync(path.join(dir, 'logs', f)).size).toBeLessThanOrEqual(200);
    expect(fileEvents(s, 'a').at(-1)?.message).toMatch(/^message number 9 /);
  });

  it('forget drops the ring of a server; its file stays on disk, with the lines not yet written', async () => {
    const s = store();
    s.append(ev('a', 'one'));
    s.append(ev('b', 'two'));
    s.forget('a');
    expect(s.tail('a')).toEqual([]);
    expect(s.tail('b').map((e) => e.message)).toEqual(['two']);
    expect(fileEvents(s, 'a').map((e) => e.message)).toEqual(['one']);
    s.append(ev('a', 'three'));
    expect(s.tail('a').map((e) => e.message)).toEqual(['three']);
    await tick();
    expect(fileEvents(s, 'a').map((e) => e.message)).toEqual(['one', 'three']);
  });

  it('dispose flushes the pending batch synchronously', () => {
    const s = store();
    const calls: number[] = [];
    s.onDidAppend((events) => calls.push(events.length));
    s.append(ev('a', '1'));
    s.append(ev('a', '2'));
    s.dispose();
    expect(calls).toEqual([2]);
    expect(fileEvents(s, 'a').map((e) => e.message)).toEqual(['1', '2']);
  });

  it('keeps the ring when the file cannot be written', () => {
    // logsDir is a file: the RotatingFile cannot create its directory.
    fs.writeFileSync(path.join(dir, 'blocked'), '');
    const s = new LogStore({ logsDir: path.join(dir, 'blocked') });
    stores.push(s);
    expect(() => s.append(ev('a', 'still here'))).not.toThrow();
    expect(s.tail('a').map((e) => e.message)).toEqual(['still here']);
  });
});

describe('LogStore: all servers and retention', () => {
  it('tailAll merges every server by time and applies the limit overall', () => {
    const s = store();
    s.append(ev('a', 'a1', 'info', 10));
    s.append(ev('b', 'b1', 'info', 5));
    s.append(ev('a', 'a2', 'info', 30));
    s.append(ev('b', 'b2', 'info', 20));
    s.append(ev('c', 'c1', 'info', 25));
    expect(s.tailAll().map((e) => e.message)).toEqual(['b1', 'a1', 'b2', 'c1', 'a2']);
    expect(s.tailAll(3).map((e) => e.message)).toEqual(['b2', 'c1', 'a2']);
    expect(s.tailAll(1).map((e) => e.message)).toEqual(['a2']);
  });

  it('pruneRotated deletes rotated files older than the retention, never the live files', () => {
    const s = store();
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs, { recursive: true });
    const now = Date.now();
    const day = 24 * 60 * 60 * 1000;
    const files = { live: 'a.log', oldRotated: 'a.log.1', older: 'a.log.2', fresh: 'b.log.1', other: 'notes.txt', liveOld: 'c.log' };
    for (const f of Object.values(files)) fs.writeFileSync(path.join(logs, f), 'x');
    const age = (f: string, days: number) => fs.utimesSync(path.join(logs, f), new Date(now - days * day), new Date(now - days * day));
    age(files.oldRotated, 8);
    age(files.older, 30);
    age(files.fresh, 2);
    age(files.other, 60);
    age(files.liveOld, 60);
    const deleted = s
      .pruneRotated(7, now)
      .map((p) => path.basename(p))
      .sort();
    expect(deleted).toEqual(['a.log.1', 'a.log.2']);
    expect(fs.readdirSync(logs).sort()).toEqual(['a.log', 'b.log.1', 'c.log', 'notes.txt']);
    expect(s.pruneRotated(1, now).map((p) => path.basename(p))).toEqual(['b.log.1']);
  });
});

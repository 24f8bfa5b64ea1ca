/**
 * The smallest MCP client over stdio, as Claude Desktop runs a config entry: spawn `command args`
 * with the entry's env on top of the client's own, write newline-delimited JSON-RPC to stdin, read
 * answers from stdout. Raw on purpose: the story checks what the connector really says on the wire.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface StdioEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export interface StdioClient {
  child: ChildProcess;
  pid: number;
  stderr(): string;
  request(method: string, params?: unknown, timeoutMs?: number): Promise<{ result?: any; error?: { code: number; message: string } }>;
  notify(method: string, params?: unknown): void;
  close(): Promise<void>;
}

export function spawnStdio(entry: StdioEntry, clientEnv: Record<string, string>): StdioClient {
  const child = spawn(entry.command, entry.args, { env: { ...clientEnv, ...entry.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  let buffer = '';
  let nextId = 1;
  const waiting = new Map<number, (msg: any) => void>();
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buffer += d;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      const msg = JSON.parse(line);
      if (msg.id !== undefined && waiting.has(msg.id)) {
        waiting.get(msg.id)!(msg);
        waiting.delete(msg.id);
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    pid: child.pid!,
    stderr: () => err,
    request(method, params, timeoutMs = 20_000) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${method} within ${timeoutMs} ms; connector stderr:\n${err}`)), timeoutMs);
        waiting.set(id, (msg) => {
          clearTimeout(timer);
          resolve(msg);
        });
        child.stdin!.write(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }) + '\n');
      });
    },
    notify(method, params) {
      child.stdin!.write(JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) }) + '\n');
    },
    async close() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

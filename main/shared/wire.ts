/**
 * The local wire between a connector and a proxy: one hello line carrying the per-install secret,
 * one answer line, then newline-delimited JSON-RPC in both directions (the MCP stdio framing).
 * No dependencies: the connector bundles this file.
 */
import { timingSafeEqual } from 'node:crypto';
import * as net from 'node:net';

export const WIRE_VERSION = 1;
/** Hello lines are tiny; anything longer is not a connector. */
export const MAX_HELLO_BYTES = 4096;
/** One JSON-RPC message may be large (tool results of many MB), but not unbounded. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export interface Hello {
  switchboard: number;
  secret: string;
  server: string;
  /** Free text for logs: which program started the connector. */
  client?: string;
}

export interface HelloAnswer {
  ok: boolean;
  error?: string;
}

export function encodeHello(h: Hello): string {
  return JSON.stringify(h) + '\n';
}

/**
 * The client side of the handshake: connects to `endpoint`, sends the hello and waits for the
 * answer line. Resolves with the open socket and any bytes that followed the answer (for the
 * caller to process once its handlers are attached). Rejects with the socket error (ENOENT,
 * ECONNREFUSED, …) or, when the other side refuses, an error whose code is 'REFUSED'.
 */
export function connectWithHello(endpoint: string, hello: Hello): Promise<{ socket: net.Socket; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(endpoint);
    let buf: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const nl = buf.indexOf(10);
      if (nl === -1) {
        if (buf.length > MAX_HELLO_BYTES) socket.destroy(new Error('handshake answer too long'));
        return;
      }
      socket.off('data', onData);
      socket.off('error', reject);
      let answer: Partial<HelloAnswer> | null = null;
      try {
        answer = JSON.parse(buf.subarray(0, nl).toString('utf8')) as Partial<HelloAnswer> | null;
      } catch {
        // not an answer: refused below
      }
      // Whatever answered may not be a proxy: `null`, `42` or `{"error":{…}}` are refusals too.
      if (!answer || typeof answer !== 'object' || answer.ok !== true) {
        socket.destroy();
        const why =
          answer && typeof answer === 'object' && typeof answer.error === 'string' ? answer.error.slice(0, 300) : 'the other side refused the connection';
        return reject(Object.assign(new Error(why), { code: 'REFUSED' }));
      }
      resolve({ socket, rest: buf.subarray(nl + 1) });
    };
    socket.once('connect', () => socket.write(encodeHello(hello)));
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

export function checkHello(line: string, secret: string, serverId: string): HelloAnswer & { hello?: Hello } {
  let hello: Hello;
  try {
    hello = JSON.parse(line) as Hello;
  } catch {
    return { ok: false, error: 'not a Switchboard connector (hello is not JSON)' };
  }
  if (!hello || typeof hello !== 'object' || hello.switchboard !== WIRE_VERSION) {
    return { ok: false, error: 'unsupported connector protocol version' };
  }
  if (typeof hello.secret !== 'string' || !safeEqual(hello.secret, secret)) {
    return { ok: false, error: 'wrong connector secret' };
  }
  if (hello.server !== serverId) {
    // Only a string is echoed (bounded): String() of a parsed object can throw ({"toString":1}).
    const asked =
      typeof hello.server === 'string'
        ? JSON.stringify(hello.server.slice(0, 100))
        : hello.server === undefined
          ? 'an unnamed server'
          : 'a server id that is not text';
    return { ok: false, error: `this endpoint serves "${serverId}", not ${asked}` };
  }
  return { ok: true, hello };
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) return false;
  return timingSafeEqual(ab, bb);
}

/** How much of an oversized line LineSplitter hands to `onOverflow`. */
export const HEAD_BYTES = 4096;

/**
 * The top-level `id` of a JSON-RPC message from its first bytes (the rest may be missing), or
 * undefined when it is not there: a tiny scanner that tracks strings and nesting, so an `"id"`
 * inside `params` is never taken for the request's own.
 */
export function leadingRequestId(head: string): string | number | undefined {
  let depth = 0;
  let i = 0;
  const str = (): string | undefined => {
    // At an opening quote: returns the decoded string and moves past it, or undefined if cut off.
    let j = i + 1;
    while (j < head.length && head[j] !== '"') j += head[j] === '\\' ? 2 : 1;
    if (j >= head.length) return undefined;
    try {
      const s = JSON.parse(head.slice(i, j + 1)) as string;
      i = j + 1;
      return s;
    } catch {
      return undefined;
    }
  };
  while (i < head.length) {
    const c = head[i];
    if (c === '"') {
      const atKey = depth === 1;
      const s = str();
      if (s === undefined) return undefined;
      if (atKey && s === 'id') {
        const rest = head.slice(i).match(/^\s*:\s*/);
        if (!rest) continue;
        i += rest[0].length;
        if (head[i] === '"') {
          const v = str();
          return v;
        }
        const num = head.slice(i).match(/^-?\d+(?=\s*[,}])/);
        return num ? Number(num[0]) : undefined;
      }
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    i++;
  }
  return undefined;
}

/**
 * Splits a byte stream into lines without decoding partial UTF-8 sequences, refusing lines longer
 * than `maxBytes`. Empty lines (and a lone '\r') are skipped as the stdio transport does.
 */
export class LineSplitter {
  private chunks: Buffer[] = [];
  private size = 0;
  /** The current line was reported as too long: drop its bytes up to and including its newline. */
  private discarding = false;

  constructor(
    private readonly onLine: (line: string) => void,
    /** `head`: the line's first bytes (at most HEAD_BYTES), enough to find a request's id. */
    private readonly onOverflow: (bytes: number, head: Buffer) => void,
    private readonly maxBytes = MAX_MESSAGE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        const rest = chunk.subarray(start);
        if (rest.length && !this.discarding) {
          this.size += rest.length;
          if (this.size > this.maxBytes) {
            const n = this.size;
            const head = Buffer.concat([...this.chunks, rest]).subarray(0, HEAD_BYTES);
            this.reset();
            this.discarding = true;
            this.onOverflow(n, Buffer.from(head));
            return;
          }
          this.chunks.push(rest);
        }
        return;
      }
      if (this.discarding) {
        // The end of a line already reported as too long: resume after it.
        this.discarding = false;
        start = nl + 1;
        continue;
      }
      const piece = chunk.subarray(start, nl);
      let line: Buffer;
      if (this.chunks.length) {
        this.chunks.push(piece);
        line = Buffer.concat(this.chunks, this.size + piece.length);
        this.reset();
      } else {
        line = piece;
      }
      if (line.length > this.maxBytes) {
        this.onOverflow(line.length, Buffer.from(line.subarray(0, HEAD_BYTES)));
        start = nl + 1;
        continue;
      }
      let text = line.toString('utf8');
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.trim().length) this.onLine(text);
      start = nl + 1;
    }
  }

  /** Bytes held for an unfinished line. */
  get pending(): number {
    return this.size;
  }

  private reset(): void {
    this.chunks = [];
    this.size = 0;
  }
}

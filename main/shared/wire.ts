/**
 * The local wire between a connector (or the CLI) and a proxy (or the host's control endpoint):
 * the handshake (handshake.ts: both sides prove they hold the per-install secret, the server
 * first), then newline-delimited JSON-RPC in both directions (the MCP stdio framing), or
 * `{id, call, arg}` lines on the control endpoint. No dependencies: the connector bundles this file.
 */
import { timingSafeEqual } from 'node:crypto';

/** 2: challenge and response (handshake.ts). 1 sent the secret itself in the hello line. */
export const WIRE_VERSION = 2;
/** Handshake lines are tiny; anything longer is not a connector. */
export const MAX_HELLO_BYTES = 4096;
/** One JSON-RPC message may be large (tool results of many MB), but not unbounded. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

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

/**
 * Server-sent events as MCP's HTTP transports use them: a parser for the `text/event-stream`
 * framing (WHATWG HTML §9.2: `data`, `event`, `id`, `retry` fields, events ended by a blank line)
 * and a meter that bounds the size of one event, so a hostile server cannot make a reader hold an
 * endless event in memory.
 */
import { MAX_MESSAGE_BYTES } from '../wire';

/**
 * Counts the bytes of one SSE event: reset at each blank line (LF LF, CRLF CRLF or CR CR).
 * `push` returns false once an event is over the limit.
 */
export class SseEventMeter {
  private size = 0;
  /** Bytes on the current line so far (CR not counted), to spot blank lines across chunks. */
  private lineLength = 0;
  private lastWasCr = false;

  constructor(private readonly limit = MAX_MESSAGE_BYTES) {}

  /** Bytes, or text (then UTF-16 units are counted: never more than its UTF-8 bytes). */
  push(chunk: Uint8Array | string): boolean {
    const text = typeof chunk === 'string';
    for (let i = 0; i < chunk.length; i++) {
      const b = text ? (chunk as string).charCodeAt(i) : (chunk as Uint8Array)[i];
      if (b === 10 || b === 13) {
        if (b === 10 && this.lastWasCr) {
          this.lastWasCr = false;
          continue; // the LF of a CRLF
        }
        this.lastWasCr = b === 13;
        if (this.lineLength === 0) this.size = 0; // a blank line ends the event
        this.lineLength = 0;
        continue;
      }
      this.lastWasCr = false;
      this.lineLength++;
      if (++this.size > this.limit) return false;
    }
    return true;
  }
}

export interface SseEvent {
  /** The event type; 'message' when the server named none. */
  event: string;
  /** The `data` lines, joined with LF. */
  data: string;
}

/**
 * Splits decoded `text/event-stream` chunks into events. Lines end at LF (a CR before it is
 * dropped); an event with no `data` line is not dispatched. `lastEventId` and `retryMs` keep the
 * stream's latest `id` and `retry` fields, for resuming it.
 */
export class SseParser {
  lastEventId?: string;
  retryMs?: number;
  private buf = '';
  private data: string[] = [];
  private event = '';
  private readonly meter?: SseEventMeter;

  /** `maxEventBytes`: past it `push` returns false (the caller drops the stream). */
  constructor(
    private readonly onEvent: (e: SseEvent) => void,
    maxEventBytes?: number,
  ) {
    if (maxEventBytes !== undefined) this.meter = new SseEventMeter(maxEventBytes);
  }

  /** Feeds one chunk; false when an event passed the bound (nothing of the chunk is dispatched). */
  push(chunk: string): boolean {
    if (this.meter && !this.meter.push(chunk)) return false;
    // Newlines are looked for in the new chunk only: a multi-MB `data:` line arrives in many
    // chunks, and rescanning (and re-slicing) the whole buffer each time made it quadratic.
    let nl = chunk.indexOf('\n');
    if (nl === -1) {
      this.buf += chunk;
      return true;
    }
    let rest = chunk;
    for (; nl !== -1; nl = rest.indexOf('\n')) {
      let line = this.buf + rest.slice(0, nl);
      this.buf = '';
      rest = rest.slice(nl + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.line(line);
    }
    this.buf = rest;
    return true;
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return; // a comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }

  private dispatch(): void {
    const data = this.data;
    const event = this.event || 'message';
    this.data = [];
    this.event = '';
    if (data.length) this.onEvent({ event, data: data.join('\n') });
  }
}

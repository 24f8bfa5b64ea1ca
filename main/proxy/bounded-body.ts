/**
 * Bounds what a (possibly hostile) MCP server can make the proxy hold in memory: a JSON answer
 * may not exceed MAX_MESSAGE_BYTES in total, and one event of an event stream may not exceed it
 * either (the stream itself may run for hours). Past the bound the body errors with a sentence,
 * which the SDK transport and the fast path turn into a JSON-RPC error for the waiting request.
 * The same bound as the local wire's line limit: nothing bigger could reach a client anyway.
 */
import { SseEventMeter } from '../shared/mcp-http/sse';
import { MAX_MESSAGE_BYTES } from '../shared/wire';

export class OversizedAnswerError extends Error {
  constructor(what: string, limit: number) {
    super(`the server sent ${what} larger than ${formatBytes(limit)}, the most MCP Switchboard relays; it was dropped`);
    this.name = 'OversizedAnswerError';
  }
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MB` : `${Math.round(n / 1024)} KB`;
}

/** The same response, with a body that errors once it passes the bound. */
export function boundResponse(res: Response, limit = MAX_MESSAGE_BYTES): Response {
  if (!res.body) return res;
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const sse = type === 'text/event-stream';
  const meter = new SseEventMeter(limit);
  let total = 0;
  const bounded = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (sse ? !meter.push(chunk) : (total += chunk.byteLength) > limit) {
          controller.error(new OversizedAnswerError(sse ? 'an event' : 'an answer', limit));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  const out = new Response(bounded, { status: res.status, statusText: res.statusText, headers: res.headers });
  // Keep what callers may read off the original (the final URL after redirects).
  Object.defineProperty(out, 'url', { value: res.url });
  Object.defineProperty(out, 'redirected', { value: res.redirected });
  return out;
}

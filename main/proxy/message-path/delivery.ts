/**
 * What the transport tells the recovery stage about a request it could not get answered, and
 * what it offers to recover one. The line between "retry" and "fail cleanly" is drawn on these
 * facts, in the manner of Envoy's retry conditions and gRPC's transparent retry:
 * - `not-sent`: provably never reached the server (connection refused, DNS or TLS failure on
 *   connect, a connection reset before the request was written);
 * - `not-processed`: reached it, and the server said it did not act on it (503, 429, 408, or
 *   404/410 for a session it forgot);
 * - `maybe-processed`: may have been acted on (502, 504, a reset after the request was written, an
 *   event stream cut before the answer);
 * - `processed`: a definite answer that is an error (500, 400, an unreadable answer): retrying
 *   would get the same.
 * (The transport speaks HTTP/1.1, where a closed keep-alive connection plays the part of HTTP/2's
 * GOAWAY and refused stream: fast-post.ts sends such a request again on a new connection.)
 */
import type { JsonRpcMessage } from '../../shared/mcp-http';
import type { UpstreamFailure } from '../upstream-types';

export type Delivery = 'not-sent' | 'not-processed' | 'maybe-processed' | 'processed';

export interface DeliveryFailure {
  delivery: Delivery;
  /** The failure as a person reads it ("Upstream https://…/mcp answered 503 Service Unavailable"). */
  failure: UpstreamFailure;
  /** What happened to this attempt, in a few words ("the server refused the connection"). */
  what: string;
  /** The attempt went out on the session of this generation, which the server no longer knows (404/410). */
  lostSession?: number;
  /** The answer's event stream was cut after an event with an id: it can be resumed from there. */
  resumeFrom?: ResumePoint;
}

/** Where a cut answer stream can be picked up again (opaque to the stages: handed back to `resume`). */
export interface ResumePoint {
  lastEventId: string;
  /** The session the stream belonged to, and its protocol revision. */
  sessionId?: string;
  protocolVersion?: string;
  /** The event stream's own `retry` (ms), to wait before resuming. */
  retryMs?: number;
}

/** What the transport offers the recovery stage beyond sending a message again. */
export interface RecoveryControl {
  /**
   * A new upstream session after the one of `generation` was lost: the client's initialize is
   * replayed once for everyone, whoever asks. Resolves at once when that was done already;
   * rejects (with a DeliveryFailureError) when the server could not be reached.
   */
  renewSession(generation: number): Promise<void>;
  /**
   * Opens the cut answer stream of `request` again from where it was cut (GET with Last-Event-ID).
   * What comes back reaches the stages as for a send: the answer, or another failure.
   */
  resume(request: JsonRpcMessage, from: ResumePoint): void;
}

/** A failure outside of any one request's answer (a re-initialize that did not work). */
export class DeliveryFailureError extends Error {
  constructor(readonly failure: DeliveryFailure) {
    super(failure.failure.message);
  }
}

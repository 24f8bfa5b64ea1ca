/**
 * One upstream MCP session per downstream connection: the message path of that connection. The
 * proxy is a pass-through: JSON-RPC messages go both ways unchanged, except where a stage says
 * otherwise (see the assembly below). ProxyRuntime imports this module lazily, when the first
 * client connects, so an idle proxy never loads it; and it never loads the SDK itself: a 2025-era
 * session runs on the fast path (fast-session.ts), and the SDK's client transports (upstream-sdk.ts)
 * require it (sdk-module.ts) only for what that path hands them.
 */
import type { JsonRpcMessage } from '../shared/mcp-http';
import { linkStages, type MessagePath } from './message-path/chain';
import { elicitationStandIn } from './message-path/elicitation-stand-in';
import { eraBridge } from './message-path/era-bridge';
import { paramHeaders } from './message-path/param-headers-stage';
import { requestLedger } from './message-path/request-ledger';
import { recovery } from './message-path/retry-stage';
import { textOf, type StageFactory } from './message-path/stage';
import { toolPolicy } from './message-path/tool-policy-stage';
import { UpstreamTransport } from './upstream-transport';
import type { UpstreamEvents, UpstreamOptions } from './upstream-types';

export type { UpstreamAuth, UpstreamEvents, UpstreamFailure, UpstreamOptions } from './upstream-types';
export { describeFailure, httpStatusOf, retryAfterOf } from './upstream-errors';
export { transportCandidates } from './upstream-sdk';
export {
  ERR_NEEDS_SIGN_IN,
  ERR_PARSE,
  ERR_UPSTREAM_GONE,
  ERR_UPSTREAM_HTTP,
  ERR_UPSTREAM_TIMEOUT,
  ERR_UPSTREAM_UNREACHABLE,
  displayUrl,
  networkReason,
} from './upstream-shared';

const DEFAULT_REQUEST_TIMEOUT_MS = 5 * 60_000;
/**
 * Retries of a request end by this share of its time limit, so that when they run out the call's
 * error says what happened to it rather than "no answer in time".
 */
const RETRY_SHARE_OF_TIMEOUT = 0.8;

export class UpstreamSession {
  private readonly path: MessagePath;

  constructor(opts: UpstreamOptions, events: UpstreamEvents) {
    let transport: UpstreamTransport | undefined;
    const timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    // The message path, client side first. Before it, the framing (ProxyRuntime) has turned the
    // client's lines into JSON-RPC 2.0 messages; after it is the server. Messages from the server
    // pass the same stages in reverse order. Why this order:
    // - the request ledger first, so it counts every request as the client sent it and sees every
    //   answer the client gets, whichever stage made it: one answer per request, in time;
    // - then the stages that change what the client sees (protocol-era bridge, tool policy) and
    //   what the server gets (SEP-2243 headers): a new stage is one file implementing `Stage`
    //   (message-path/stage.ts) and one line here. The era bridge comes first of them: the stages
    //   after it see the server's era only (the SEP-2243 stage needs the 2026-07-28 requests the
    //   bridge makes of a 2025 client's). The elicitation stand-in follows it, so it sees the
    //   server's era only. The tool policy comes after the bridge, so it sees the server's own
    //   listings and calls in the server's era, and before the SEP-2243 stage, so what it reports
    //   and filters is what that stage left of a listing;
    // - retry and resume next to the transport, so a retried request passes the other stages once
    //   (one count, one answer) and the stage sees each attempt's outcome as the transport tells it;
    // - the transport last: it owns the wire (fast path, SDK transports, session, re-initialize).
    const stages: StageFactory[] = [
      requestLedger({ timeoutMs, where: () => transport!.where(), events }),
      ...(opts.upstreamEra
        ? [
            eraBridge({
              serverName: opts.serverName,
              upstreamEra: opts.upstreamEra,
              onProtocol: events.onProtocol,
              log: events.log,
              timeoutMs: Math.min(timeoutMs, 60_000),
            }),
          ]
        : []),
      ...(opts.askUser ? [elicitationStandIn({ ask: opts.askUser, log: events.log })] : []),
      ...(opts.policy ? [toolPolicy(opts.policy.shared, opts.policy.install)] : []),
      paramHeaders(events.log),
      ...(opts.recovery
        ? [recovery({ ...opts.recovery, budgetMs: Math.min(opts.recovery.budgetMs, timeoutMs * RETRY_SHARE_OF_TIMEOUT), log: events.log }, () => transport!)]
        : []),
      (link) => (transport = new UpstreamTransport(opts, events, link)),
    ];
    this.path = linkStages(stages, (m) => events.toClient(m.message, textOf(m)));
  }

  /** Sends one message (or a batch) from the client upstream. Never throws. */
  fromClient(message: JsonRpcMessage | JsonRpcMessage[], size?: number, text?: string): Promise<void> {
    return this.path.fromClient({ message, size: size ?? JSON.stringify(message).length, text });
  }

  /** Ends the upstream session: timers stop, then DELETE when the server gave a session, then close. */
  close(): Promise<void> {
    return this.path.close();
  }
}

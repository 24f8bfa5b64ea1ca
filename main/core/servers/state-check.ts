/**
 * Is a server that has no proxy running still usable? One plain-HTTP round trip from the host (no
 * SDK, no child process): the question its proxy's health check would ask first (`server/discover`
 * for a 2026-07-28 server, else `initialize`, whose session is DELETEd at once), with the server's
 * headers and the held access token. It tells three things only: it answers (any HTTP answer but
 * 401/407/5xx), it wants a sign-in (401), or it cannot be reached (network failure, 407, 5xx).
 */
import type { ProtocolEra } from '../../../common/protocol-versions';
import { HEADER_SESSION_ID } from '../../../common/protocol-versions';
import { discoverRequest, endSession, envelopeHeaders, headerOf, initializeRequest, postRequest } from '../../shared/mcp-http';
import type { NetworkConfig } from '../../shared/net/network-config';
import { describeNetworkError } from './probe';

export interface StateCheckInput {
  url: string;
  /** Resolved header values (never logged). */
  headers: Record<string, string>;
  token?: string;
  era?: ProtocolEra;
  net?: NetworkConfig;
  timeoutMs?: number;
}

export interface StateCheckResult {
  outcome: 'ok' | 'needs-sign-in' | 'unreachable';
  /** A sentence for the user when it is not ok. */
  detail?: string;
}

const CLIENT = { name: 'mcp-switchboard-state-check', version: '0.1.0' };
const ID = 'switchboard-state-check';

export async function checkServerState(input: StateCheckInput): Promise<StateCheckResult> {
  const url = new URL(input.url);
  const request = input.era === 'modern' ? discoverRequest(ID, CLIENT) : initializeRequest(ID, CLIENT);
  const signal = AbortSignal.timeout(input.timeoutMs ?? 15_000);
  const post = () =>
    postRequest({ url: input.url, headers: input.headers, request, token: input.token, signal, net: input.net, maxBytes: 1024 * 1024, bound: 'event' });
  let answer;
  try {
    answer = await post().catch((err: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed meanwhile says nothing about the server: ask again on a new one.
      if (err?.code === 'ECONNRESET' || err?.code === 'EPIPE') return post();
      throw err;
    });
  } catch (err) {
    return { outcome: 'unreachable', detail: describeNetworkError(err, url.host) };
  }
  const { status } = answer;
  const sessionId = headerOf(answer.headers, HEADER_SESSION_ID);
  if (status >= 200 && status < 300 && sessionId) {
    void endSession({
      url: input.url,
      headers: { ...input.headers, ...envelopeHeaders(request) },
      sessionId,
      protocolVersion: answer.message?.result?.protocolVersion,
      token: input.token,
      signal: AbortSignal.timeout(2000),
      net: input.net,
    });
  }
  if (status === 401) {
    return {
      outcome: 'needs-sign-in',
      detail: input.token ? `${url.host} refused the sign-in (401): sign in again` : `Sign in to ${url.host} before clients can use it`,
    };
  }
  if (status === 407) return { outcome: 'unreachable', detail: `The network proxy asks for a password to reach ${url.host} (407)` };
  if (status >= 500) return { outcome: 'unreachable', detail: `${url.host} answered ${status}${answer.statusText ? ` ${answer.statusText}` : ''}` };
  // 2xx, or a 4xx refusal of the question (an older transport, another era): the server answers.
  return { outcome: 'ok' };
}

/**
 * The add flow's probe: what is at this URL before it is saved? Plain node:http(s), no SDK, one
 * deadline for the whole probe. It tells reachability (with a sentence when nothing answers),
 * the transport (Streamable HTTP, else the old HTTP+SSE), whether sign-in is needed and at which
 * authorization server (RFC 9728 protected resource metadata), and the server's own name.
 *
 * Order: POST `initialize` (Streamable HTTP). 2xx: read serverInfo (JSON or SSE body) and DELETE
 * the session it created. 401: sign-in needed; find the authorization server. 400/404/405/406:
 * a 2026-07-28 server refuses `initialize` (try `server/discover`), a 2025 server of the old
 * transport wants GET + `text/event-stream` (an `endpoint` event), where `initialize` is tried too.
 *
 * What a hostile server can make it do: every body read is bounded (1 MB), redirects are never
 * followed, the typed headers go to the server's own origin only (an `endpoint` event naming
 * another origin gets nothing), and a metadata location named by a 401 is fetched only where the
 * server may send us (common/url-policy.ts `endpointRefusal`).
 */
import type * as http from 'node:http';
import type { LookupFunction } from 'node:net';
import type { ProbeInput, ProbeResult, TransportKind } from '../../../common/contract';
import { HEADER_SESSION_ID } from '../../../common/protocol-versions';
import { endpointRefusal } from '../../../common/url-policy';
import {
  discoverRequest,
  endSession,
  exchange,
  headerOf,
  httpModuleFor,
  initializeRequest,
  parseJson,
  postRequest,
  SseParser,
  contentTypeOf,
  serverFacts,
  testConnect,
  type ExchangeAnswer,
  type JsonRpcMessage,
  type ServerFacts,
} from '../../shared/mcp-http';
import type { Env } from '../../shared/paths';
import type { NetworkConfig } from '../../shared/net/network-config';
import { certificateIssuer, describeTlsFailure, isUntrustedCertificate, tlsCodeOf } from '../../shared/net/tls-words';
import { resolveHeaders, validateHeaders, validateServerUrl } from './server-model';

export interface ProbeOptions {
  env?: Env;
  /** The whole probe's budget (default 10 s). */
  timeoutMs?: number;
  /** Extra TLS trust for tests (a self-signed fixture); the app never sets it. */
  ca?: string | Buffer;
  /** Name resolution for tests (a made-up public name for a fixture on this computer); the app never sets it. */
  lookup?: LookupFunction;
  /** The route and trust (proxy, CAs) the server would have once added (core/network). */
  net?: NetworkConfig;
}

/** The connection options (network configuration; test-only overrides), passed along as they came. */
type Net = Pick<ProbeOptions, 'ca' | 'lookup' | 'net'>;

const CLIENT_INFO = { name: 'mcp-switchboard-probe', version: '0.1.0' };
/** Bodies the probe reads are small JSON documents; anything larger is cut off. */
const MAX_BODY = 1024 * 1024;

export class ProbeError extends Error {}

type Answer = ExchangeAnswer;

/** "mcp.linear.app" → "Linear", "127.0.0.1" → "127.0.0.1". */
export function nameFromHost(url: string): string {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return 'server';
  }
  if (!host) return 'server';
  if (/^[\d.]+$/.test(host) || host.startsWith('[') || !host.includes('.')) return host;
  const labels = host.replace(/^(www|mcp|api|server|remote)\./i, '').split('.');
  if (labels.length < 2) return cap(labels[0] ?? host);
  // "example.co.uk": the label before the public suffix's second level.
  const secondLevel = ['co', 'com', 'org', 'net', 'gov', 'ac', 'edu'];
  const pick = labels.length > 2 && secondLevel.includes(labels[labels.length - 2]!) ? labels[labels.length - 3]! : labels[labels.length - 2]!;
  return cap(pick);
}

function cap(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/** A network error in words for the user, with the host it concerns. */
export function describeNetworkError(err: unknown, host: string): string {
  const chain: any[] = [];
  for (let e: any = err, d = 0; e && d < 5; e = e.cause, d++) chain.push(e);
  const code = chain.map((e) => (typeof e?.code === 'string' ? e.code : undefined)).find(Boolean) as string | undefined;
  if (chain.some((e) => e?.name === 'TimeoutError' || e?.name === 'AbortError') || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `${host} did not answer in time (timed out). Check the address, your network or VPN.`;
  }
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `No server named ${host} was found (DNS lookup failed). Check the address for typos.`;
    case 'ECONNREFUSED':
      return `Nothing answers at ${host}: connection refused. Is the server running, and is the port right?`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `${host} closed the connection before answering (connection reset).`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} cannot be reached from this computer (${code === 'EHOSTUNREACH' ? 'host' : 'network'} unreachable).`;
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `${host} did not speak TLS (is it http:// rather than https://?).`;
  }
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) {
    const detail =
      code === 'CERT_HAS_EXPIRED'
        ? 'the certificate has expired'
        : code === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? 'the certificate is for another name'
          : /SELF_SIGNED/.test(code)
            ? 'the certificate is self-signed (a VPN or corporate proxy?)'
            : 'the certificate could not be verified';
    return `The TLS certificate of ${host} is not trusted: ${detail} (${code}).`;
  }
  const message = chain[0]?.message ? String(chain[0].message) : 'unknown error';
  return `Cannot reach ${host}: ${code ? `${message} (${code})` : message}.`;
}

function statusLine(a: Pick<Answer, 'status' | 'statusText'>): string {
  return `${a.status}${a.statusText ? ` ${a.statusText}` : ''}`;
}

class Deadline {
  private readonly at: number;
  constructor(ms: number) {
    this.at = Date.now() + ms;
  }
  signal(capMs?: number): AbortSignal {
    const left = Math.max(1, this.at - Date.now());
    return AbortSignal.timeout(capMs ? Math.min(capMs, left) : left);
  }
  get expired(): boolean {
    return Date.now() >= this.at;
  }
}

/** Reads the legacy SSE stream: the `endpoint` event, then (after posting) the answer to `id`. */
function openLegacyStream(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  net: Net,
): Promise<{ status: number; statusText: string; headers: http.IncomingHttpHeaders; endpoint?: string; waitFor(id: string): Promise<any>; close(): void }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const waiters = new Map<string, (m: any) => void>();
    const req = httpModuleFor(u).request(
      u,
      { method: 'GET', headers: { ...headers, accept: 'text/event-stream' }, signal, ...testConnect({ ...net, url: u }) },
      (res) => {
        const type = contentTypeOf(res.headers);
        const base = { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers };
        const close = () => res.destroy();
        const waitFor = (id: string) =>
          new Promise<any>((ok) => {
            waiters.set(id, ok);
            res.once('close', () => ok(undefined));
          });
        if (base.status < 200 || base.status >= 300 || type !== 'text/event-stream') {
          res.resume();
          return resolve({ ...base, waitFor, close });
        }
        res.setEncoding('utf8');
        let announced = false;
        const parser = new SseParser(({ event, data }) => {
          if (event === 'endpoint' && !announced) {
            announced = true;
            let endpoint: string | undefined;
            try {
              endpoint = new URL(data.trim(), url).href;
            } catch {
              endpoint = undefined;
            }
            resolve({ ...base, endpoint, waitFor, close });
          } else if (event === 'message') {
            const m = parseJson(data);
            const w = m && waiters.get(String(m.id));
            if (w) w(m);
          }
        }, MAX_BODY);
        res.on('data', (chunk: string) => {
          if (!parser.push(chunk)) close();
        });
        res.on('end', () => resolve({ ...base, waitFor, close }));
        res.on('error', () => resolve({ ...base, waitFor, close }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Parses `resource_metadata="…"` out of a WWW-Authenticate header. */
export function resourceMetadataFrom(wwwAuthenticate: string | undefined): string | undefined {
  const m = wwwAuthenticate?.match(/resource_metadata\s*=\s*(?:"([^"]*)"|([^\s,]+))/i);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** RFC 9728 §3: the well-known URL with the resource's path inserted, then at the root. */
export function protectedResourceMetadataUrls(serverUrl: string): string[] {
  const u = new URL(serverUrl);
  const path = u.pathname.replace(/\/+$/, '');
  const out = [];
  if (path) out.push(`${u.origin}/.well-known/oauth-protected-resource${path}`);
  out.push(`${u.origin}/.well-known/oauth-protected-resource`);
  return out;
}

/**
 * Probes `input.url`. A URL the registry would refuse is refused here with the same sentence
 * (thrown); everything the network says becomes a ProbeResult, never an exception.
 */
export async function probeServer(input: ProbeInput, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const checked = validateServerUrl(input?.url);
  if (!checked.ok) throw new ProbeError(checked.error);
  const hv = validateHeaders(input.headers);
  if (!hv.ok) throw new ProbeError(hv.error);
  const url = checked.value;
  const host = new URL(url).host;
  const userHeaders = resolveHeaders(hv.value, opts.env ?? {}).headers;
  const deadline = new Deadline(opts.timeoutMs ?? 10_000);
  const result: ProbeResult = { url, reachable: false, signIn: 'unknown', suggestedName: nameFromHost(url) };
  const named = (facts: ServerFacts) => {
    if (facts.serverName) result.serverName = facts.serverName;
    if (facts.serverVersion) result.serverVersion = facts.serverVersion;
    if (facts.protocolVersion) result.protocolVersion = facts.protocolVersion;
    const friendly = facts.title ?? facts.serverName;
    if (friendly) result.suggestedName = friendly;
  };
  const net: Net = { ca: opts.ca, lookup: opts.lookup, net: opts.net };
  const post = (request: JsonRpcMessage) => postRequest({ url, headers: userHeaders, request, signal: deadline.signal(), ...net, maxBytes: MAX_BODY });

  let answer: Answer;
  try {
    answer = await post(initializeRequest('probe-1', CLIENT_INFO));
  } catch (err) {
    result.problem = describeNetworkError(err, host);
    const code = tlsCodeOf(err);
    if (isUntrustedCertificate(code) && !opts.ca) {
      // Who issued it (a company's TLS-inspecting proxy?), and what to do, before the server is added.
      const issuer = await certificateIssuer(new URL(url), opts.net, { lookup: opts.lookup, timeoutMs: 3000 });
      const words = describeTlsFailure(code, host, issuer);
      if (words) result.problem = `${result.problem} ${words[0]!.toUpperCase()}${words.slice(1)}.`;
    }
    return result;
  }
  if (answer.status === 407) {
    result.problem = `The proxy between this computer and ${host} asks for a user name and password (407): set them in Settings ▸ Network, or in the proxy URL under Advanced.`;
    return result;
  }
  result.reachable = true;

  if (answer.status === 401) {
    await findAuthorizationServer(url, answer, result, deadline, net);
    return result;
  }
  if (answer.status >= 200 && answer.status < 300) {
    result.transport = 'streamable-http';
    const sessionId = headerOf(answer.headers, HEADER_SESSION_ID);
    if (answer.message?.result) {
      result.signIn = 'not-needed';
      named(serverFacts(answer.message.result));
    } else {
      result.problem = answer.message?.error?.message
        ? `${host} answered initialize with an error: ${String(answer.message.error.message).slice(0, 300)}`
        : `${host} answered ${statusLine(answer)} but not with an MCP initialize result. Is this the MCP endpoint?`;
    }
    if (sessionId) {
      // Ends the session the probe's initialize created (best effort, 2 s at most).
      await endSession({ url, headers: userHeaders, sessionId, protocolVersion: result.protocolVersion, signal: deadline.signal(2000), ...net });
    }
    return result;
  }
  if ([400, 404, 405, 406].includes(answer.status)) {
    // A server of the 2026-07-28 revision has no initialize: it answers server/discover.
    if (answer.status === 400 || answer.status === 406) {
      try {
        const modern = await post(discoverRequest('probe-2', CLIENT_INFO));
        const r = modern.message?.result;
        if (modern.status >= 200 && modern.status < 300 && r && (Array.isArray(r.supportedVersions) || r.serverInfo)) {
          result.transport = 'streamable-http';
          result.signIn = 'not-needed';
          named(serverFacts(r));
          return result;
        }
        if (modern.status === 401) {
          result.transport = 'streamable-http';
          await findAuthorizationServer(url, modern, result, deadline, net);
          return result;
        }
      } catch {
        // fall through to the old transport
      }
    }
    if (await tryLegacySse(url, userHeaders, result, deadline, net, named)) return result;
    result.problem = `${host} answered ${statusLine(answer)} to an MCP request. Is this the server's MCP endpoint (often ending in /mcp or /sse)?`;
    return result;
  }
  if (answer.status >= 300 && answer.status < 400) {
    const location = headerOf(answer.headers, 'location');
    let target: string | undefined;
    try {
      target = location ? new URL(location, url).href : undefined;
    } catch {
      target = undefined;
    }
    result.problem = target
      ? `${host} answered ${statusLine(answer)}: the server moved to ${target}; use that address.`
      : `${host} answered ${statusLine(answer)} without saying where to.`;
    return result;
  }
  if (answer.status === 403) {
    result.problem = `${host} answered 403 Forbidden: the server refuses this request (a missing API key header?).`;
    return result;
  }
  result.problem = `${host} answered ${statusLine(answer)}${answer.status >= 500 ? ': the server has a problem right now; try again later' : ''}.`;
  return result;
}

async function tryLegacySse(
  url: string,
  headers: Record<string, string>,
  result: ProbeResult,
  deadline: Deadline,
  net: Net,
  named: (facts: ServerFacts) => void,
): Promise<boolean> {
  if (deadline.expired) return false;
  let stream;
  try {
    stream = await openLegacyStream(url, headers, deadline.signal(), net);
  } catch {
    return false;
  }
  if (stream.status === 401) {
    stream.close();
    result.transport = 'sse';
    await findAuthorizationServer(url, { status: 401, statusText: '', headers: stream.headers }, result, deadline, net);
    return true;
  }
  if (!stream.endpoint) {
    stream.close();
    return false;
  }
  const transport: TransportKind = 'sse';
  result.transport = transport;
  const announced = new URL(stream.endpoint);
  if (announced.origin !== new URL(url).origin) {
    // The user's headers (an API key) go to the server's own origin only, as the SDK's SSE
    // transport (and so the proxy) requires; nothing at all is sent to the other one.
    stream.close();
    result.problem = `${new URL(url).host} named its message endpoint on another origin (${announced.origin}); MCP Switchboard sends requests only to the server's own origin, so it cannot use this server.`;
    return true;
  }
  try {
    const answered = stream.waitFor('probe-3');
    const posted = await exchange({
      method: 'POST',
      url: stream.endpoint,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(initializeRequest('probe-3', CLIENT_INFO)),
      id: 'probe-3',
      signal: deadline.signal(),
      ...net,
      maxBytes: MAX_BODY,
    });
    if (posted.status === 401) {
      await findAuthorizationServer(url, posted, result, deadline, net);
      return true;
    }
    const message =
      posted.message ??
      (posted.status >= 200 && posted.status < 300
        ? await Promise.race([answered, new Promise((r) => deadline.signal().addEventListener('abort', () => r(undefined)))])
        : undefined);
    if ((message as any)?.result) {
      result.signIn = 'not-needed';
      named(serverFacts((message as any).result));
    }
  } catch {
    // The stream named an endpoint: the transport is known even if initialize did not finish.
  } finally {
    stream.close();
  }
  return true;
}

/** 401: sign-in is needed. The authorization server comes from RFC 9728 metadata. */
async function findAuthorizationServer(
  url: string,
  answer: Pick<Answer, 'headers' | 'status' | 'statusText'>,
  result: ProbeResult,
  deadline: Deadline,
  net: Net,
): Promise<void> {
  result.signIn = 'needed';
  const candidates: string[] = [];
  const named = resourceMetadataFrom(headerOf(answer.headers, 'www-authenticate'));
  if (named) {
    try {
      // Only where this server may send us: not plain http elsewhere, not nearer than the server.
      const u = new URL(named, url);
      if (!endpointRefusal(new URL(url), u)) candidates.push(u.href);
    } catch {
      // a malformed hint: use the well-known URLs
    }
  }
  for (const c of protectedResourceMetadataUrls(url)) if (!candidates.includes(c)) candidates.push(c);
  for (const c of candidates) {
    if (deadline.expired) return;
    try {
      // Never the user's headers: the metadata may live on another origin.
      const a = await exchange({ method: 'GET', url: c, headers: { accept: 'application/json' }, signal: deadline.signal(), ...net, maxBytes: MAX_BODY });
      const servers = a.status === 200 ? a.json?.authorization_servers : undefined;
      if (Array.isArray(servers) && typeof servers[0] === 'string') {
        const issuer = validateServerUrl(servers[0]);
        if (issuer.ok) {
          result.authorizationServer = servers[0];
          return;
        }
      }
    } catch {
      // try the next location
    }
  }
  // Servers of the 2025-03-26 revision: the authorization server is the MCP server's origin.
  try {
    const origin = new URL(url).origin;
    const a = await exchange({
      method: 'GET',
      url: `${origin}/.well-known/oauth-authorization-server`,
      headers: { accept: 'application/json' },
      signal: deadline.signal(),
      ...net,
      maxBytes: MAX_BODY,
    });
    if (a.status === 200 && typeof a.json?.issuer === 'string') result.authorizationServer = a.json.issuer;
  } catch {
    // unknown
  }
}

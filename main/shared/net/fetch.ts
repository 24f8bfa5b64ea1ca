/**
 * A `fetch` for a network configuration, for the code that speaks fetch (the SDK's transports in
 * a proxy child, the sign-in engine and revocation in main): undici's fetch with undici's
 * `ProxyAgent` (CONNECT through the proxy, Proxy-Authorization from the route) or `Agent`, each
 * with the trusted CAs. undici loads on first use. Answers are handed back as the runtime's own
 * `Response` (the SDK and the engine check `instanceof Response`).
 */
import { caFor, networkKey, type NetworkConfig } from './network-config';
import { proxyAuthorization } from './proxy-route';

type Undici = typeof import('undici');
type Dispatcher = import('undici').Dispatcher;

const dispatchers = new Map<string, Dispatcher>();
let undici: Undici | undefined;

function load(): Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  undici ??= require('undici') as Undici;
  return undici;
}

/** undici's dispatcher for `net` (cached per configuration). */
export function dispatcherFor(net: NetworkConfig): Dispatcher {
  const key = networkKey(net);
  let d = dispatchers.get(key);
  if (d) return d;
  const u = load();
  const ca = caFor(net);
  const tlsOptions = ca ? { ca } : {};
  const route = net.route;
  d =
    route.kind === 'direct'
      ? new u.Agent({ connect: tlsOptions })
      : new u.ProxyAgent({ uri: route.url, token: proxyAuthorization(route), requestTls: tlsOptions, proxyTls: tlsOptions });
  if (dispatchers.size > 64) {
    for (const x of dispatchers.values()) void x.close().catch(() => {});
    dispatchers.clear();
  }
  dispatchers.set(key, d);
  return d;
}

/** Statuses whose answer has no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** The fetch for `net`; without a configuration, the runtime's own fetch. */
export function fetchFor(net: NetworkConfig | undefined): typeof fetch {
  if (!net) return globalThis.fetch;
  return async (input, init) => {
    const u = load();
    let url: string | URL;
    let options: RequestInit | undefined = init;
    if (typeof input === 'string' || input instanceof URL) url = input;
    else {
      url = input.url;
      options = { method: input.method, headers: input.headers, body: input.body, signal: input.signal, redirect: input.redirect, ...init };
      if (options.body) (options as { duplex?: string }).duplex = 'half';
    }
    const res = await u.fetch(url, { ...(options as object), dispatcher: dispatcherFor(net) } as Parameters<Undici['fetch']>[1]);
    const out = new Response(NULL_BODY.has(res.status) ? null : (res.body as ReadableStream<Uint8Array> | null), {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers as unknown as Headers,
    });
    Object.defineProperty(out, 'url', { value: res.url });
    Object.defineProperty(out, 'redirected', { value: res.redirected });
    return out;
  };
}

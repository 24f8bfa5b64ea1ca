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

let defaultTrust: string | undefined;

/**
 * The fetch of a proxy child for its server's configuration. A direct route takes the runtime's
 * own fetch, so undici (about 45 ms to load and compile at a cold start) is never loaded: before
 * the first https request the trusted CAs become the process's default
 * (`tls.setDefaultCACertificates`, Node 22.19+), which is right only in a process that speaks
 * under this one configuration (never main, whose servers each have their own). A proxy route, or
 * a runtime without that call, takes `fetchFor`.
 */
export function processFetchFor(net: NetworkConfig | undefined): typeof fetch {
  if (!net) return globalThis.fetch;
  if (net.route.kind !== 'direct') return fetchFor(net);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tls = require('node:tls') as { setDefaultCACertificates?: (certs: string[]) => void };
  const setDefault = tls.setDefaultCACertificates;
  if (typeof setDefault !== 'function') return fetchFor(net);
  const key = networkKey(net);
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (defaultTrust !== key && url.startsWith('https:')) {
      const ca = caFor(net);
      if (ca) setDefault.call(tls, ca);
      defaultTrust = key;
    }
    return globalThis.fetch(input, init);
  };
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

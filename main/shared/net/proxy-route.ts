/**
 * Which way a request goes: straight to the server, or through an HTTP proxy. Pure decisions on
 * data, no I/O: the environment's proxies (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, lower case
 * too, as curl reads them), a PAC answer (`PROXY host:port; DIRECT`, what the operating system's
 * settings resolve to, through Electron's `session.resolveProxy` in the app), and a server's own
 * override ("direct", or a proxy URL). The main process decides; a proxy child is handed the
 * route of its server over the fork channel, with the proxy's credentials from the vault.
 */

/** How requests to one server go. Credentials, when the proxy wants them, travel only in memory and over the fork channel. */
export type ProxyRoute = { kind: 'direct' } | { kind: 'proxy'; url: string; username?: string; password?: string };

export const DIRECT: ProxyRoute = { kind: 'direct' };

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ParsedProxy {
  /** `http(s)://host:port` (no credentials, no path). */
  url: string;
  username?: string;
  password?: string;
}

/**
 * A proxy URL as typed or found in the environment: `http://host:port` or `https://host:port`,
 * optionally with `user:password@`; a bare `host:port` means http. Anything else is refused with a
 * sentence (SOCKS proxies are not supported).
 */
export function parseProxyUrl(input: unknown): Checked<ParsedProxy> {
  if (typeof input !== 'string' || !input.trim()) return { ok: false, error: 'Enter the proxy address (http://proxy.example.com:3128).' };
  let text = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return {
      ok: false,
      error: `"${input
        .trim()
        .slice(0, 80)
        .replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^@/]*@/i, '$1…@')}" is not a proxy address: write it as http://host:port.`,
    };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return { ok: false, error: `Only HTTP proxies are supported (http:// or https://), not ${u.protocol}//.` };
  }
  if (!u.hostname) return { ok: false, error: 'The proxy address has no host name.' };
  if ((u.pathname && u.pathname !== '/') || u.search || u.hash) return { ok: false, error: 'A proxy address is only a host and a port (no path).' };
  const out: ParsedProxy = { url: `${u.protocol}//${u.host}` };
  if (u.username) out.username = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  return { ok: true, value: out };
}

/** The proxy URL with the credentials in it (for a library that reads them from there). */
export function proxyUrlWithCredentials(route: Extract<ProxyRoute, { kind: 'proxy' }>): URL {
  const u = new URL(route.url);
  if (route.username !== undefined) u.username = encodeURIComponent(route.username);
  if (route.password !== undefined) u.password = encodeURIComponent(route.password);
  return u;
}

/** `Basic …` for Proxy-Authorization, when the route has credentials. */
export function proxyAuthorization(route: ProxyRoute): string | undefined {
  if (route.kind !== 'proxy' || route.username === undefined) return undefined;
  return `Basic ${Buffer.from(`${route.username}:${route.password ?? ''}`).toString('base64')}`;
}

/** For sentences and logs: where the route goes, never its credentials. */
export function describeRoute(route: ProxyRoute): string {
  return route.kind === 'direct' ? 'directly' : `through the proxy ${new URL(route.url).host}`;
}

function env(vars: Record<string, string | undefined>, name: string): string | undefined {
  const v = vars[name.toLowerCase()] ?? vars[name.toUpperCase()];
  return v && v.trim() ? v.trim() : undefined;
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/**
 * Whether `NO_PROXY` exempts the target: `*`; a host name, matching itself and its subdomains
 * (`example.com` and `.example.com` both match `mcp.example.com`); an IP address; each optionally
 * with `:port`. Entries are separated by commas or spaces. (CIDR ranges are not understood, as in
 * most tools.)
 */
export function noProxyMatches(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || defaultPort(target.protocol);
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let name = entry;
    let entryPort: string | undefined;
    const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(entry);
    if (m && !(entry.split(':').length > 2 && !entry.startsWith('['))) {
      name = m[1]!;
      entryPort = m[2];
    }
    if (entryPort && entryPort !== port) continue;
    name = name.replace(/^\*?\./, '');
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/**
 * The route the environment gives a target: `NO_PROXY` first, then `HTTPS_PROXY` for https targets
 * and `HTTP_PROXY` for http ones (lower case wins over upper case, as curl reads them). A malformed
 * proxy variable is reported through `onProblem` and ignored.
 */
export function routeFromEnv(target: URL, vars: Record<string, string | undefined>, onProblem?: (message: string) => void): ProxyRoute {
  if (noProxyMatches(target, env(vars, 'no_proxy'))) return DIRECT;
  const name = target.protocol === 'https:' ? 'https_proxy' : 'http_proxy';
  const value = env(vars, name);
  if (!value) return DIRECT;
  const parsed = parseProxyUrl(value);
  if (!parsed.ok) {
    onProblem?.(`${name.toUpperCase()} is ignored: ${parsed.error}`);
    return DIRECT;
  }
  return { kind: 'proxy', ...parsed.value };
}

/**
 * A PAC answer ("PROXY a:3128; DIRECT", what `session.resolveProxy` returns) as a route: the first
 * entry this app can use. `PROXY`/`HTTP` and `HTTPS` are HTTP proxies; `DIRECT` is direct; SOCKS
 * entries are skipped (reported through `onProblem`). An empty answer is direct.
 */
export function routeFromPac(answer: string, onProblem?: (message: string) => void): ProxyRoute {
  const entries = answer
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean);
  let skipped = false;
  for (const entry of entries) {
    const [kind = '', where = ''] = entry.split(/\s+/, 2);
    const k = kind.toUpperCase();
    if (k === 'DIRECT') return DIRECT;
    if ((k === 'PROXY' || k === 'HTTP' || k === 'HTTPS') && where) {
      const parsed = parseProxyUrl(`${k === 'HTTPS' ? 'https' : 'http'}://${where}`);
      if (parsed.ok) return { kind: 'proxy', url: parsed.value.url };
    }
    skipped = true;
  }
  if (skipped) onProblem?.(`The system's proxy settings name only proxies MCP Switchboard cannot use (${answer.slice(0, 120)}); connecting directly`);
  return DIRECT;
}

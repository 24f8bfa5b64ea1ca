/**
 * The one URL policy of the app (pure: no Node, no DOM), used by the server model, the sign-in
 * engine, the add-flow probe, the browser opener and the window: what counts as this computer, its
 * network, or the internet, and which addresses a server may send MCP Switchboard to.
 *
 * Functions take `URL.hostname` / a WHATWG URL (both Node and the DOM have one); the parser has
 * already turned numeric forms (`2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`) into the canonical
 * ones the table below matches.
 */

/** 127.0.0.0/8, ::1 (bare or bracketed as in URL.hostname) and localhost (RFC 6761 also reserves *.localhost). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** https anywhere, http only to a loopback host (takes a WHATWG URL, which both Node and the DOM have). */
export function isSecureOrLoopback(url: { protocol: string; hostname: string }): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/**
 * Where a host is, from the farthest to the nearest: the internet, a private network (the user's
 * LAN, a VPN, a corporate intranet), the link (cloud instance metadata lives there), this computer.
 */
export type HostScope = 'public' | 'private' | 'link-local' | 'loopback';

const NEARNESS: Record<HostScope, number> = { public: 0, private: 1, 'link-local': 2, loopback: 3 };

/** IPv4 ranges that are not the internet: [first address, prefix length, scope, what it is]. */
export const IPV4_RANGES: ReadonlyArray<readonly [string, number, HostScope, string]> = [
  ['0.0.0.0', 8, 'loopback', '"this host" (a connection to 0.0.0.0 reaches this computer)'],
  ['127.0.0.0', 8, 'loopback', 'loopback'],
  ['169.254.0.0', 16, 'link-local', 'link-local (cloud instance metadata at 169.254.169.254)'],
  ['10.0.0.0', 8, 'private', 'private network (RFC 1918)'],
  ['172.16.0.0', 12, 'private', 'private network (RFC 1918)'],
  ['192.168.0.0', 16, 'private', 'private network (RFC 1918)'],
  ['100.64.0.0', 10, 'private', 'shared address space (carrier-grade NAT, Tailscale)'],
  ['192.0.0.0', 24, 'private', 'IETF protocol assignments'],
  ['198.18.0.0', 15, 'private', 'network benchmarking'],
  ['224.0.0.0', 4, 'private', 'multicast'],
  ['240.0.0.0', 4, 'private', 'reserved and broadcast'],
];

/** IPv6 ranges that are not the internet: [first address, prefix length, scope, what it is]. */
export const IPV6_RANGES: ReadonlyArray<readonly [string, number, HostScope, string]> = [
  ['::', 128, 'loopback', 'unspecified (reaches this computer)'],
  ['::1', 128, 'loopback', 'loopback'],
  ['fe80::', 10, 'link-local', 'link-local'],
  ['fc00::', 7, 'private', 'unique local (private network)'],
  ['fec0::', 10, 'private', 'site-local (deprecated private network)'],
  ['ff00::', 8, 'private', 'multicast'],
];

/** IPv6 prefixes (96 bits) that carry an IPv4 address in their last 32 bits: that address decides. */
const IPV4_IN_IPV6 = ['::ffff:0:0', '::', '64:ff9b::'];

/** Names that never leave this computer or its network, whatever they resolve to. */
export const LOCAL_NAME_SUFFIXES: ReadonlyArray<readonly [string, HostScope]> = [
  ['localhost', 'loopback'],
  ['local', 'private'], // mDNS
  ['internal', 'private'],
  ['intranet', 'private'],
  ['lan', 'private'],
  ['home', 'private'],
  ['home.arpa', 'private'],
  ['localdomain', 'private'],
  ['corp', 'private'],
  ['private', 'private'],
];

function ipv4Bits(h: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** Eight 16-bit groups, or undefined when `h` is not an IPv6 address. */
function ipv6Groups(h: string): number[] | undefined {
  if (!h.includes(':')) return undefined;
  let text = h;
  // A trailing dotted IPv4 address ("::ffff:127.0.0.1") becomes its two hex groups.
  const v4 = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const bits = ipv4Bits(v4[1]!);
    if (bits === undefined) return undefined;
    text = `${text.slice(0, v4.index + 1)}${(bits >>> 16).toString(16)}:${(bits & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s ? s.split(':') : []).map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...rest];
  return groups.every((g) => Number.isInteger(g)) ? groups : undefined;
}

function inRange(groups: number[], start: number[], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 16) {
    const take = Math.min(16, prefix - bit);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((groups[bit / 16]! & mask) !== (start[bit / 16]! & mask)) return false;
  }
  return true;
}

function v4Scope(bits: number): HostScope {
  for (const [start, prefix, scope] of IPV4_RANGES) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((bits & mask) >>> 0 === (ipv4Bits(start)! & mask) >>> 0) return scope;
  }
  return 'public';
}

/** Where a host is (see HostScope): IP literals by the tables above, names by their suffix. */
export function hostScope(hostname: string): HostScope {
  const h = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  const v4 = ipv4Bits(h);
  if (v4 !== undefined) return v4Scope(v4);
  const v6 = ipv6Groups(h);
  if (v6) {
    for (const p of IPV4_IN_IPV6) {
      if (inRange(v6, ipv6Groups(p)!, 96) && !(p === '::' && v6[6] === 0)) return v4Scope(((v6[6]! << 16) | v6[7]!) >>> 0);
    }
    for (const [start, prefix, scope] of IPV6_RANGES) if (inRange(v6, ipv6Groups(start)!, prefix)) return scope;
    return 'public';
  }
  if (isLoopbackHost(h)) return 'loopback';
  for (const [suffix, scope] of LOCAL_NAME_SUFFIXES) if (h === suffix || h.endsWith(`.${suffix}`)) return scope;
  // A single-label name ("router", "intranet") only resolves inside a network.
  if (h && !h.includes('.')) return 'private';
  return 'public';
}

const SCOPE_WORDS: Record<HostScope, string> = {
  public: 'on the internet',
  private: 'on a private network',
  'link-local': 'a link-local address',
  loopback: 'this computer',
};

/**
 * Whether a server at `server` may send MCP Switchboard to `target` (a metadata document, an
 * authorization server's registration, token or revocation endpoint, an HTTP+SSE message
 * endpoint): undefined when it may, else the reason as a sentence.
 *
 * - https only; plain http only when both the server and the target are this computer;
 * - a target no nearer than the server: a server on the internet may not point at this computer,
 *   its link (169.254.169.254) or a private network; a server the user added on a private network
 *   may use that network; a server on this computer may use anything.
 */
export function endpointRefusal(
  server: { protocol: string; hostname: string },
  target: { protocol: string; hostname: string; host?: string },
): string | undefined {
  const where = target.host ?? target.hostname;
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return `Refusing ${where}: it uses the "${target.protocol.replace(/:$/, '')}" scheme; only https is used.`;
  }
  const serverScope = hostScope(server.hostname);
  const scope = hostScope(target.hostname);
  if (target.protocol === 'http:' && !(isLoopbackHost(target.hostname) && serverScope === 'loopback')) {
    return `Refusing to contact ${where} over plain http: only https is used (plain http only when the server itself is on this computer).`;
  }
  if (NEARNESS[scope] > NEARNESS[serverScope]) {
    return `Refusing to contact ${where} (${SCOPE_WORDS[scope]}): the server ${server.hostname} is ${SCOPE_WORDS[serverScope]} and may not send MCP Switchboard there.`;
  }
  return undefined;
}

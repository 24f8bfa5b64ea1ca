/**
 * "Paste the company's domain": `example.com` (or a page URL) resolved to an MCP server through
 * the metadata a site publishes (SEP-2127 server cards, a draft): the AI catalog at
 * `/.well-known/ai-catalog.json` (entries of type `application/mcp-server-card+json`), then the
 * card locations seen in the wild (`/.well-known/mcp/server-card.json`, `/.well-known/mcp/server.json`),
 * then `<url>/server-card` for a pasted MCP URL. A card is server.json (name, version,
 * description, remotes); it is checked and cleaned like a registry's entry. Nothing found: null,
 * and the add flow goes on with the address as typed.
 */
import type { RegistryEntry } from '../../../common/contract';
import { isSecureOrLoopback } from '../../../common/url-policy';
import { getJson, RegistryError, type RegistryHttp } from './registry-client';
import { toEntry } from './registry-entry';
import { checkServerDetail, type RawServerDetail } from './registry-schema';

export const CARD_TYPE = 'application/mcp-server-card+json';

export interface CardLookup {
  fetchFor(url: string): Promise<typeof fetch>;
  timeoutMs: number;
  maxBytes: number;
}

/** The site a pasted text names: `example.com`, `https://example.com/page`; undefined if it is none. */
export function siteOf(input: string): URL | undefined {
  const text = input.trim();
  if (!text || text.length > 2048 || /\s/.test(text)) return undefined;
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return undefined;
  }
  if (!isSecureOrLoopback(u) || u.username || u.password) return undefined;
  // A bare word is a search, not a domain.
  if (!u.hostname.includes('.') && u.hostname !== 'localhost' && !u.port) return undefined;
  return u;
}

/** Card URLs listed by an AI catalog (tolerant of the draft's variations: entries/items/servers/agents). */
export function cardUrlsOf(catalog: unknown, base: URL): string[] {
  if (!catalog || typeof catalog !== 'object') return [];
  const c = catalog as Record<string, unknown>;
  const lists = [c.entries, c.items, c.servers, c.agents, c.catalog].filter(Array.isArray) as unknown[][];
  const out: string[] = [];
  for (const list of lists) {
    for (const item of list.slice(0, 50)) {
      if (!item || typeof item !== 'object') continue;
      const i = item as Record<string, unknown>;
      const type = i.type ?? i.mediaType ?? i.mimeType;
      if (type !== CARD_TYPE) continue;
      const href = i.url ?? i.href ?? i.cardUrl;
      if (typeof href !== 'string') continue;
      try {
        const u = new URL(href, base);
        if (isSecureOrLoopback(u)) out.push(u.href);
      } catch {
        // not a URL: skipped
      }
    }
  }
  return out.slice(0, 5);
}

function cardToEntry(raw: unknown, site: URL, fallbackUrl?: string): RegistryEntry | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const card = { ...(raw as Record<string, unknown>) };
  // A card that names no endpoint but sits under one (`<mcp-url>/server-card`) describes that endpoint.
  if (fallbackUrl && !Array.isArray(card.remotes)) card.remotes = [{ type: 'streamable-http', url: fallbackUrl }];
  const checked = checkServerDetail(card);
  if (!checked.ok) return undefined;
  return toEntry({ server: checked.value as RawServerDetail }, { id: 'card', name: site.host });
}

/** Looks for the server a site publishes; null when it publishes none (or what it publishes is unusable). */
export async function resolveDomain(input: string, o: CardLookup): Promise<RegistryEntry | null> {
  const site = siteOf(input);
  if (!site) return null;
  const origin = site.origin;
  const get = async (url: string): Promise<unknown> => {
    const http: RegistryHttp = { fetch: await o.fetchFor(url), timeoutMs: o.timeoutMs, maxBytes: o.maxBytes };
    try {
      return await getJson(url, http, site.host);
    } catch (err) {
      if (err instanceof RegistryError) return undefined;
      throw err;
    }
  };
  const catalog = await get(`${origin}/.well-known/ai-catalog.json`);
  for (const cardUrl of cardUrlsOf(catalog, site)) {
    const entry = cardToEntry(await get(cardUrl), site);
    if (entry) return entry;
  }
  for (const path of ['/.well-known/mcp/server-card.json', '/.well-known/mcp/server.json']) {
    const entry = cardToEntry(await get(origin + path), site);
    if (entry) return entry;
  }
  if (site.pathname !== '/') {
    const base = site.href.replace(/[?#].*$/, '').replace(/\/+$/, '');
    const entry = cardToEntry(await get(`${base}/server-card`), site, base);
    if (entry) return entry;
  }
  return null;
}

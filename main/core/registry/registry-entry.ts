/**
 * A registry's entry made safe to show and use (pure): text becomes one plain, bounded paragraph
 * (tags, control and direction-changing characters gone), links are kept only when they are
 * http(s) URLs without credentials, remotes only of the two transports the app speaks, secrets
 * never carry a value. The window renders the result as text; the core opens links only from here.
 */
import type { RegistryEntry, RegistryField, RegistryRemote, TransportKind } from '../../../common/contract';
import type { RawInput, RawServerDetail, RawServerResponse } from './registry-schema';

export const MAX_DESCRIPTION = 300;
export const MAX_TITLE = 100;

const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const HAS_INVISIBLE = new RegExp(INVISIBLE.source);
/** Markup of the usual HTML elements; a placeholder like `<slug>` in a description is kept. */
const HTML_TAG =
  /<\/?(a|abbr|b|blockquote|body|br|button|code|div|em|font|form|h[1-6]|head|hr|html|i|iframe|img|input|li|link|meta|object|ol|p|pre|s|script|small|span|strong|style|sub|sup|svg|table|td|th|tr|u|ul|embed|video|audio|source|math|details|summary)\b[^>]{0,500}>/gi;

/** Plain text of at most `max` characters: no markup, no invisible or direction-changing characters, one line. */
export function plainText(value: unknown, max: number): string {
  if (typeof value !== 'string') return '';
  // Only look at a bounded prefix: a megabyte of description costs nothing past this.
  let s = value.slice(0, max * 8);
  s = s
    .replace(/<(script|style)\b[^>]{0,500}>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(HTML_TAG, ' ')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s;
}

/** An http(s) link without user info, or undefined (javascript:, data:, file: and the rest are dropped). */
export function safeLink(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  if (u.username || u.password || !u.hostname) return undefined;
  return u.href;
}

function field(name: string, raw: RawInput): RegistryField {
  const secret = raw.isSecret === true;
  const out: RegistryField = { name: plainText(name, 256), required: raw.isRequired === true, secret };
  const description = plainText(raw.description, MAX_DESCRIPTION);
  if (description) out.description = description;
  // A secret's value is the user's to give: never prefilled from a registry.
  const value = secret ? undefined : (raw.value ?? raw.default);
  if (typeof value === 'string' && value.length <= 1024 && !HAS_INVISIBLE.test(value)) out.value = value;
  if (Array.isArray(raw.choices) && raw.choices.length) out.choices = raw.choices.slice(0, 50).map((c) => plainText(c, 200));
  return out;
}

const TRANSPORTS: Record<string, TransportKind> = { 'streamable-http': 'streamable-http', http: 'streamable-http', sse: 'sse' };

function remotes(detail: RawServerDetail): RegistryRemote[] {
  const out: RegistryRemote[] = [];
  for (const r of detail.remotes ?? []) {
    const transport = TRANSPORTS[r.type];
    if (!transport) continue;
    const url = r.url.trim();
    // A template ({tenant}) is not a URL yet; what is around it must still be http(s).
    const probe = safeLink(url.replace(/\{[^}]{1,64}\}/g, 'x'));
    if (!probe || /[\s<>"]/.test(url)) continue;
    out.push({
      transport,
      url,
      headers: (r.headers ?? []).map((h) => field(h.name, h)),
      variables: Object.entries(r.variables ?? {}).map(([name, v]) => field(name, v)),
    });
  }
  // Streamable HTTP first: the current transport.
  return out.sort((a, b) => (a.transport === b.transport ? 0 : a.transport === 'streamable-http' ? -1 : 1));
}

/** The entry as the app uses it; undefined when it has no remote endpoint or was deleted. */
export function toEntry(
  raw: RawServerResponse | { server: RawServerDetail; _meta?: undefined },
  registry: { id: string; name: string },
): RegistryEntry | undefined {
  const status = raw._meta?.['io.modelcontextprotocol.registry/official']?.status;
  if (status === 'deleted') return undefined;
  const d = raw.server;
  const list = remotes(d);
  if (!list.length) return undefined;
  const entry: RegistryEntry = {
    registryId: registry.id,
    registryName: registry.name,
    name: d.name,
    description: plainText(d.description, MAX_DESCRIPTION),
    version: plainText(d.version, 64),
    publisher: d.name.split('/')[0]!,
    status: status === 'deprecated' ? 'deprecated' : 'active',
    remotes: list,
  };
  const title = plainText(d.title, MAX_TITLE);
  if (title) entry.title = title;
  const repo = safeLink(d.repository?.url);
  if (repo) entry.repositoryUrl = repo;
  const site = safeLink(d.websiteUrl);
  if (site) entry.websiteUrl = site;
  return entry;
}

/** Whether a raw entry would be left out only for having no remote (a package to run locally). */
export function isLocalOnly(raw: RawServerResponse): boolean {
  return raw._meta?.['io.modelcontextprotocol.registry/official']?.status !== 'deleted' && !raw.server.remotes?.length;
}

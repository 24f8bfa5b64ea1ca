/**
 * The MCP Registry's REST API (v0.1) over a given fetch: a page of servers (`search`, `cursor`,
 * `version=latest`) and one server's latest version. Every failure becomes a sentence naming the
 * registry: no answer in time, refused (with where the token goes), a status, not JSON, too large.
 * Bodies are read up to a bound, so a hostile registry cannot fill memory.
 */
import { checkServerList, checkServerResponse, type RawServerResponse } from './registry-schema';

export interface RegistryHttp {
  fetch: typeof fetch;
  /** Sent as `Authorization: Bearer …` (a private registry's). */
  token?: string;
  timeoutMs: number;
  /** The largest body read, in bytes. */
  maxBytes: number;
}

export class RegistryError extends Error {}

export const PAGE_SIZE = 30;

function hostOf(base: string): string {
  try {
    return new URL(base).host;
  } catch {
    return base;
  }
}

/** The API path under a registry's base URL (which may have a path of its own). */
export function apiUrl(base: string, path: string, query: Record<string, string | undefined> = {}): string {
  const u = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, v);
  return u.href;
}

/** Reads a body up to `max` bytes; more is refused (and the rest is not read). */
export async function readBounded(res: Response, max: number, what: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {});
    throw new RegistryError(`${what} sent more than ${Math.round(max / 1024)} KB; it was not read.`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new RegistryError(`${what} sent more than ${Math.round(max / 1024)} KB; it was not read.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** GET a JSON document with the registry's token, the timeout and the size bound. */
export async function getJson(url: string, http: RegistryHttp, what: string): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (http.token) headers.authorization = `Bearer ${http.token}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), http.timeoutMs);
  try {
    let res: Response;
    try {
      // A registry with a token is not followed elsewhere: its token must not travel with a redirect.
      res = await http.fetch(url, { headers, signal: controller.signal, redirect: http.token ? 'manual' : 'follow' });
    } catch (err) {
      if (controller.signal.aborted) throw new RegistryError(`${what} did not answer within ${Math.round(http.timeoutMs / 1000)} s.`);
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new RegistryError(`${what} could not be reached (${cause?.code ?? cause?.message ?? (err as Error).message}).`);
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel().catch(() => {});
      throw new RegistryError(
        `${what} refused the request (${res.status})${http.token ? ': its token may be wrong or expired' : ': it may need a token'} (Settings ▸ Registries).`,
      );
    }
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => {});
      throw new RegistryError(`${what} redirected elsewhere (${res.status}); give its final address in Settings ▸ Registries.`);
    }
    if (res.status === 404) {
      await res.body?.cancel().catch(() => {});
      throw new RegistryError(`${what} has no such server (404).`);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new RegistryError(`${what} answered ${res.status}${res.statusText ? ` ${res.statusText.slice(0, 60)}` : ''}; try again later.`);
    }
    let text: string;
    try {
      text = await readBounded(res, http.maxBytes, what);
    } catch (err) {
      if (controller.signal.aborted) throw new RegistryError(`${what} did not finish its answer within ${Math.round(http.timeoutMs / 1000)} s.`);
      throw err;
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new RegistryError(`${what} answered with something that is not JSON (is ${hostOf(url)} an MCP registry?).`);
    }
  } finally {
    clearTimeout(timer);
  }
}

export interface RawPage {
  items: unknown[];
  nextCursor?: string;
}

/** One page of `GET /v0.1/servers?search=&version=latest&limit=&cursor=`. */
export async function fetchServerPage(base: string, q: { search?: string; cursor?: string; limit?: number }, http: RegistryHttp): Promise<RawPage> {
  const what = `The registry ${hostOf(base)}`;
  const url = apiUrl(base, '/v0.1/servers', {
    search: q.search?.trim() || undefined,
    version: 'latest',
    limit: String(q.limit ?? PAGE_SIZE),
    cursor: q.cursor,
  });
  const body = await getJson(url, http, what);
  const list = checkServerList(body);
  if (!list.ok) throw new RegistryError(`${what} answered in a shape this app does not know: ${list.error}.`);
  const next = list.value.metadata?.nextCursor;
  return { items: list.value.servers, ...(next ? { nextCursor: next } : {}) };
}

/** `GET /v0.1/servers/{name}/versions/latest`. */
export async function fetchLatest(base: string, name: string, http: RegistryHttp): Promise<RawServerResponse> {
  const what = `The registry ${hostOf(base)}`;
  const body = await getJson(apiUrl(base, `/v0.1/servers/${encodeURIComponent(name)}/versions/latest`), http, what);
  const checked = checkServerResponse(body);
  if (!checked.ok) throw new RegistryError(`${what} sent an entry that does not match the registry schema: ${checked.error}.`);
  return checked.value;
}

/**
 * The Edit form's changes applied to a stored server, pure: header values are write-only (the
 * window names the headers it changes; the others keep the values it never saw), and the change
 * is described for the log by field and header name, never by value.
 */
import type { UpdateServerInput } from '../../../common/contract';
import { parseProxyUrl } from '../../shared/net/proxy-route';
import type { ServerRecord } from './server-model';
import { networkFields } from './server-registry';

/** The stored headers with the form's changes: a string sets, null removes, a header not named stays. */
export function mergeHeaders(current: Record<string, string>, changes: Record<string, string | null> | undefined): Record<string, string> {
  const out = { ...current };
  for (const [name, value] of Object.entries(changes ?? {})) {
    // Header names are case-insensitive: a changed "x-api-key" replaces the stored "X-Api-Key".
    for (const existing of Object.keys(out)) if (existing.toLowerCase() === name.toLowerCase()) delete out[existing];
    if (value !== null) out[name] = value;
  }
  return out;
}

export interface EditPlan {
  patch: Partial<Pick<ServerRecord, 'name' | 'url' | 'headers' | 'scopes' | 'clientId' | 'proxy' | 'caFile'>>;
  /** The address or the OAuth client (its ID) changes: a sign-in made for the old one must go. */
  resetsSignIn: boolean;
  /**
   * The vault's password of the server's own proxy: a string stores it (typed in the URL), null
   * removes it (no proxy URL with a user any more, or another user), absent keeps it.
   */
  proxyPassword?: string | null;
  /** For the log: "name, address, header X-Api-Key (new value), client secret". Never a value. */
  changes: string[];
}

/**
 * What an Edit form's input changes on `record`. The registry validates the values; the network
 * fields are validated here already (networkFields, the add flow's sentences), since the stored
 * form is what tells whether they change: a bad proxy URL is refused before anything is saved.
 */
export function planEdit(record: ServerRecord, input: UpdateServerInput): EditPlan {
  const patch: EditPlan['patch'] = {};
  const changes: string[] = [];
  if (input.name !== undefined && input.name.trim() !== record.name) {
    patch.name = input.name;
    changes.push('name');
  }
  let urlChanged = false;
  if (input.url !== undefined && input.url.trim() !== record.url) {
    patch.url = input.url.trim();
    urlChanged = true;
    changes.push('address');
  }
  if (input.headers && Object.keys(input.headers).length) {
    patch.headers = mergeHeaders(record.headers, input.headers);
    for (const [name, value] of Object.entries(input.headers)) {
      const had = Object.keys(record.headers).some((h) => h.toLowerCase() === name.toLowerCase());
      changes.push(value === null ? `header ${name} (removed)` : had ? `header ${name} (new value)` : `header ${name} (added)`);
    }
  }
  if (input.scopes !== undefined && (input.scopes.trim() || undefined) !== record.scopes) {
    patch.scopes = input.scopes.trim();
    changes.push('scopes');
  }
  let clientChanged = false;
  if (input.clientId !== undefined && (input.clientId.trim() || undefined) !== record.clientId) {
    patch.clientId = input.clientId.trim();
    clientChanged = true;
    changes.push('client ID');
  }
  if (input.clientSecret !== undefined) {
    // A rotated secret of the same client: the grant stays; the next renewal uses the new secret.
    changes.push(input.clientSecret === null ? 'client secret (removed)' : 'client secret (new value)');
  }
  const plan: EditPlan = { patch, resetsSignIn: urlChanged || clientChanged, changes };
  if (input.proxy !== undefined) planProxy(record, input.proxy, plan);
  if (input.caFile !== undefined) {
    const caFile = networkFields({ caFile: input.caFile }).caFile;
    if (caFile !== record.caFile) {
      patch.caFile = caFile ?? '';
      changes.push(caFile ? 'CA file' : 'CA file (removed)');
    }
  }
  return plan;
}

/**
 * A new proxy choice: the stored form (no password) in the patch when it differs; its password,
 * typed in the URL, for the vault. A URL with the same user and no password keeps the stored
 * password (write-only, like a header value); any other choice drops it.
 */
function planProxy(record: ServerRecord, typed: string, plan: EditPlan): void {
  const proxy = networkFields({ proxy: typed }).proxy;
  const userOf = (p: string | undefined) => {
    const parsed = p && p !== 'direct' ? parseProxyUrl(p) : undefined;
    return parsed?.ok ? parsed.value.username : undefined;
  };
  const parsed = proxy && proxy !== 'direct' ? parseProxyUrl(typed) : undefined;
  const password = parsed?.ok ? parsed.value.password : undefined;
  const before = userOf(record.proxy);
  const after = userOf(proxy);
  if (proxy !== record.proxy) {
    plan.patch.proxy = proxy ?? '';
    plan.changes.push('network: proxy');
  } else if (password) plan.changes.push('network: proxy password (new value)');
  if (password) plan.proxyPassword = password;
  else if (before !== undefined && (after === undefined || after !== before)) plan.proxyPassword = null;
}

/**
 * The Edit form's changes applied to a stored server, pure: header values are write-only (the
 * window names the headers it changes; the others keep the values it never saw), and the change
 * is described for the log by field and header name, never by value.
 */
import type { UpdateServerInput } from '../../../common/contract';
import type { ServerRecord } from './server-model';

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
  patch: Partial<Pick<ServerRecord, 'name' | 'url' | 'headers' | 'scopes' | 'clientId'>>;
  /** The address or the OAuth client (its ID) changes: a sign-in made for the old one must go. */
  resetsSignIn: boolean;
  /** For the log: "name, address, header X-Api-Key (new value), client secret". Never a value. */
  changes: string[];
}

/** What an Edit form's input changes on `record` (validation of the values is the registry's). */
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
  return { patch, resetsSignIn: urlChanged || clientChanged, changes };
}

/** Words and numbers of the tool policy views (pure; tested with them). */
import type { LastSeen, ToolPolicyMode } from '../../../../common/contract';
import { count, relativeTime } from '../../format';

export const MODE_LABELS: Record<ToolPolicyMode, string> = {
  ask: 'Ask for new and changed tools',
  'allow-new': 'Allow new tools, ask for changed ones',
  'allow-all': 'Allow everything (no review)',
};

/** "≈1,284 tokens": an estimate (see TOKEN_ESTIMATE in common/contract.ts). */
export function tokens(n: number): string {
  return `≈${count(n)} token${n === 1 ? '' : 's'}`;
}

/** "connected 2 min ago (Cursor 1.9.0)", "installed, never connected since: restart Cursor". */
export function lastSeenText(seen: LastSeen | undefined, clientName: string, installed: boolean, now: number): string {
  if (!seen) return installed ? `Installed, never connected since: restart ${clientName}` : 'Never connected';
  const ago = relativeTime(seen.at, now);
  const who = seen.clientName ? ` (${seen.clientName}${seen.clientVersion ? ` ${seen.clientVersion}` : ''})` : '';
  return `Connected ${ago === 'just now' ? ago : `${ago} ago`}${who}${seen.listedTools ? '' : ', did not list tools'}`;
}

const FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  description: 'Description',
  inputSchema: 'Input schema',
  outputSchema: 'Output schema',
  annotations: 'Annotations',
  arguments: 'Arguments',
  uriTemplate: 'URI template',
  mimeType: 'MIME type',
  name: 'Name',
};

export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}

/** Fields in reading order: the ones a person reads first, then the rest by name. */
export function fieldOrder(fields: Iterable<string>): string[] {
  const order = ['name', 'title', 'description', 'uriTemplate', 'mimeType', 'arguments', 'inputSchema', 'outputSchema', 'annotations'];
  return [...new Set(fields)].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib) || a.localeCompare(b);
  });
}

/** A field's value as text: strings as they are, anything else as indented JSON. */
export function fieldText(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

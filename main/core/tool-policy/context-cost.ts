/**
 * What a definition costs a client's context, estimated: a client puts every tool's definition
 * (name, description, input and output schema, annotations) into the model's context in every
 * conversation, as JSON or close to it. No tokenizer ships with the app (the common ones are
 * megabytes of vocabulary, and each model family has its own), so the estimate is the length of the
 * definition's JSON text in characters divided by TOKEN_ESTIMATE.charsPerToken (4), rounded up:
 * within about 15 % of the common tokenizers for English prose and JSON schemas, and the same rule
 * for every client, so the numbers compare.
 */
import { TOKEN_ESTIMATE } from '../../../common/contract';

export function estimateTokens(definition: unknown): number {
  const text = JSON.stringify(definition) ?? '';
  return Math.ceil(text.length / TOKEN_ESTIMATE.charsPerToken);
}

/** The top-level fields in which two versions of a definition differ ("description", "inputSchema"). */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(sorted(before[k])) !== JSON.stringify(sorted(after[k]))).sort();
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** "description and input schema" for a notification. */
export function describeFields(fields: string[]): string {
  const words = fields.map((f) => FIELD_WORDS[f] ?? f);
  return words.length <= 1 ? (words[0] ?? 'definition') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

const FIELD_WORDS: Record<string, string> = {
  description: 'description',
  inputSchema: 'input schema',
  outputSchema: 'output schema',
  annotations: 'annotations',
  title: 'title',
  arguments: 'arguments',
  uriTemplate: 'URI template',
  mimeType: 'MIME type',
};

/**
 * Removes known secret values (connector secret, header values, later tokens) and common
 * credential shapes from log text before it is stored, written or shown: Bearer and Basic
 * credentials, and the secrets of every URL in the text (`?api-key=`, `?token=`, `?secret=`,
 * `?auth=`, passwords, key-like path segments: common/url-secrets.ts).
 */
import { maskUrlsInText } from '../../../common/url-secrets';

export const REDACTED = '[redacted]';

/** Short-lived values kept at most: the newest tokens and codes (older ones are expired by then). */
export const PASSING_MAX = 512;

export class Redactor {
  /** Values that live as long as the app: header values, client secrets, the connector secret. */
  private readonly lasting = new Set<string>();
  /** Tokens and codes, oldest first: refreshed every hour or so, so only the newest are kept. */
  private readonly passing = new Set<string>();
  /** Longest first, so a secret that contains another is removed whole; made again after a change. */
  private sorted?: string[];

  /** Registers values that must never appear in logs. Values shorter than 6 chars are ignored. */
  add(...values: (string | undefined)[]): void {
    for (const v of values) {
      if (!v || v.length < 6 || this.lasting.has(v)) continue;
      this.lasting.add(v);
      this.passing.delete(v);
      this.sorted = undefined;
    }
  }

  /**
   * Registers short-lived values (tokens, codes): the newest PASSING_MAX are kept, so months of
   * refreshes do not make every log line slower. An old token in Bearer form is still masked.
   */
  addPassing(...values: (string | undefined)[]): void {
    for (const v of values) {
      if (!v || v.length < 6 || this.lasting.has(v)) continue;
      this.passing.delete(v);
      this.passing.add(v);
      this.sorted = undefined;
    }
    for (const old of this.passing) {
      if (this.passing.size <= PASSING_MAX) break;
      this.passing.delete(old);
    }
  }

  redact(text: string): string {
    let out = text;
    this.sorted ??= [...this.lasting, ...this.passing].sort((a, b) => b.length - a.length);
    for (const s of this.sorted) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return maskUrlsInText(out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`), REDACTED);
  }
}

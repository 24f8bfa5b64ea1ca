/**
 * Removes known secret values (connector secret, header values, later tokens) and common
 * credential shapes from log text before it is stored, written or shown: Bearer and Basic
 * credentials, and the secrets of every URL in the text (`?api-key=`, `?token=`, `?secret=`,
 * `?auth=`, passwords, key-like path segments: common/url-secrets.ts).
 */
import { maskUrlsInText } from '../../../common/url-secrets';

export const REDACTED = '[redacted]';

export class Redactor {
  private secrets: string[] = [];

  /** Registers values that must never appear in logs. Values shorter than 6 chars are ignored. */
  add(...values: (string | undefined)[]): void {
    for (const v of values) {
      if (v && v.length >= 6 && !this.secrets.includes(v)) this.secrets.push(v);
    }
    // Longest first, so a secret that contains another is removed whole.
    this.secrets.sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return maskUrlsInText(out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`), REDACTED);
  }
}

/**
 * Secrets inside server URLs (pure: no Node, no DOM): `?api-key=…`, `?token=…`, `?secret=…`,
 * `?auth=…`, a password in `user:pass@`, and credential-looking path segments
 * (`/mcp/sk-live-…/sse`, a 32-character key as a path segment). The host masks them in everything
 * it logs or exports (the redactor, the proxy's displayed URL, the diagnostics bundle); the
 * window shows them masked.
 *
 * Works on the text as written (no URL parsing, which would re-encode it), so the masked text
 * lines up with what was logged.
 */

/** What the window puts in place of a secret. */
export const DISPLAY_MASK = '•••';

/** Words that make a query parameter secret when they end its name (`api-key`, `access_token`, `apiKey`, `key`). */
const SECRET_PARAM =
  /^(?:[a-z0-9_.-]*[-_.])?(?:api[-_.]?key|apikey|key|token|secret|auth|authorization|password|passwd|pwd|pass|passphrase|sig|signature|credentials?|code|verifier|jwt|bearer)$/i;

/** Prefixes of well-known API keys (OpenAI/Stripe `sk-`, GitHub `ghp_`, GitLab `glpat-`, Slack `xoxb-` …). */
const KEY_PREFIX = /^(?:sk|pk|rk|ak|ghp|gho|ghu|ghs|ghr|github_pat|glpat|xox[abprs]|key|tok|token|secret|api)[-_]/i;

/** A query or fragment parameter whose value is a secret (by its name). */
export function isSecretParamName(name: string): boolean {
  let n = name;
  try {
    n = decodeURIComponent(name);
  } catch {
    // keep it as written
  }
  // camelCase words are words too: apiKey, authToken.
  return SECRET_PARAM.test(n.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
}

/** A path segment that looks like a credential rather than a name. */
export function isSecretPathSegment(segment: string): boolean {
  if (segment.length < 16 || !/^[A-Za-z0-9._~+=%-]+$/.test(segment)) return false;
  const digits = segment.replace(/[^0-9]/g, '').length;
  const letters = segment.replace(/[^A-Za-z]/g, '').length;
  if (KEY_PREFIX.test(segment) && digits >= 1) return true;
  return segment.length >= 24 && digits >= 2 && letters >= 2;
}

interface Part {
  text: string;
  secret: boolean;
}

/** The URL cut into parts, each secret or not. */
function parts(url: string): Part[] {
  const out: Part[] = [];
  const push = (text: string, secret = false) => text && out.push({ text, secret });
  let rest = url;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(rest);
  if (scheme) {
    push(scheme[0]);
    rest = rest.slice(scheme[0].length);
    const end = rest.search(/[/?#]/);
    const authority = end < 0 ? rest : rest.slice(0, end);
    rest = end < 0 ? '' : rest.slice(end);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      const colon = userinfo.indexOf(':');
      if (colon >= 0) {
        push(userinfo.slice(0, colon + 1));
        push(userinfo.slice(colon + 1), true);
      } else {
        push(userinfo, isSecretPathSegment(userinfo) || userinfo.length >= 20);
      }
      push(authority.slice(at));
    } else {
      push(authority);
    }
  }
  const q = rest.search(/[?#]/);
  const path = q < 0 ? rest : rest.slice(0, q);
  for (const [i, segment] of path.split('/').entries()) {
    if (i > 0) push('/');
    push(segment, isSecretPathSegment(segment));
  }
  let tail = q < 0 ? '' : rest.slice(q);
  while (tail) {
    // One "?…" or "#…" section: name=value pairs split by "&".
    const next = tail.slice(1).search(/[?#]/);
    const section = next < 0 ? tail : tail.slice(0, next + 1);
    tail = next < 0 ? '' : tail.slice(next + 1);
    push(section[0]!);
    for (const [i, pair] of section.slice(1).split('&').entries()) {
      if (i > 0) push('&');
      const eq = pair.indexOf('=');
      if (eq < 0) {
        push(pair);
        continue;
      }
      push(pair.slice(0, eq + 1));
      push(pair.slice(eq + 1), isSecretParamName(pair.slice(0, eq)));
    }
  }
  return out;
}

/** The URL with every secret in it replaced by `mask` (the rest exactly as written). */
export function maskUrlSecrets(url: string, mask = DISPLAY_MASK): string {
  return parts(url)
    .map((p) => (p.secret ? mask : p.text))
    .join('');
}

/** The secret values in a URL, as written (and decoded when that differs), for a redactor. */
export function urlSecrets(url: string): string[] {
  const out = new Set<string>();
  for (const p of parts(url)) {
    if (!p.secret) continue;
    out.add(p.text);
    try {
      out.add(decodeURIComponent(p.text.replace(/\+/g, ' ')));
    } catch {
      // not percent-encoded text
    }
  }
  return [...out];
}

/** Absolute URLs in free text; trailing punctuation is the sentence's, not the URL's. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`\\]*[^\s"'<>`\\).,;:!?]/gi;
/** `?name=value` / `&name=value` outside a full URL (a query string on its own). */
const PARAM_IN_TEXT = /([?&#])([A-Za-z0-9_.%-]+)=([^&\s#"'<>`]*[^&\s#"'<>`).,;:!?])/g;

/** Text with the secrets of every URL in it (and of bare query strings) replaced by `mask`. */
export function maskUrlsInText(text: string, mask = DISPLAY_MASK): string {
  let out = text.includes('://') ? text.replace(URL_IN_TEXT, (url) => maskUrlSecrets(url, mask)) : text;
  if (out.includes('=')) out = out.replace(PARAM_IN_TEXT, (all, sep: string, name: string) => (isSecretParamName(name) ? `${sep}${name}=${mask}` : all));
  return out;
}

/**
 * The secrets grep of the browser story (issue 6, "Secrets"): every secret the story used must be
 * absent from every place the app writes or shows things. A secret is looked for in the forms it
 * could take on the way there: as is, URL-encoded, JSON-escaped, and base64 (as in a Basic
 * authorization header), so a leak cannot hide behind an encoding.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Haystack {
  /** Where the text came from ("logs/abc.log", "proxy 1234 environ", "bridge result servers:list"). */
  name: string;
  text: string;
}

export interface Needle {
  kind: string;
  value: string;
}

export interface Leak {
  kind: string;
  form: string;
  haystack: string;
  /** The first characters only: the report must not become a leak of its own. */
  preview: string;
}

export function forms(value: string): Array<{ form: string; text: string }> {
  const out = [
    { form: 'raw', text: value },
    { form: 'url-encoded', text: encodeURIComponent(value) },
    { form: 'json-escaped', text: JSON.stringify(value).slice(1, -1) },
    { form: 'base64', text: Buffer.from(value).toString('base64').replace(/=+$/, '') },
    { form: 'base64url', text: Buffer.from(value).toString('base64url') },
  ];
  const seen = new Set<string>();
  return out.filter((f) => f.text.length >= 8 && !seen.has(f.text) && seen.add(f.text));
}

export function findLeaks(haystacks: readonly Haystack[], needles: readonly Needle[]): Leak[] {
  const leaks: Leak[] = [];
  for (const n of needles) {
    for (const f of forms(n.value)) {
      for (const h of haystacks) {
        if (h.text.includes(f.text)) leaks.push({ kind: n.kind, form: f.form, haystack: h.name, preview: `${n.value.slice(0, 4)}…` });
      }
    }
  }
  return leaks;
}

/** Every regular file under `dir`, recursively, as haystacks named relative to `base`. */
export function filesUnder(dir: string, base = dir): Haystack[] {
  if (!fs.existsSync(dir)) return [];
  const out: Haystack[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p, base));
    else if (entry.isFile()) out.push({ name: path.relative(base, p), text: fs.readFileSync(p, 'latin1') });
  }
  return out;
}

/** A running process's argv and environment (Linux /proc), NUL separators turned into newlines. */
export function processHaystacks(pid: number, label: string): Haystack[] {
  return (['cmdline', 'environ'] as const).map((f) => ({
    name: `${label} ${pid} ${f}`,
    text: fs.readFileSync(`/proc/${pid}/${f}`, 'latin1').replace(/\0/g, '\n'),
  }));
}

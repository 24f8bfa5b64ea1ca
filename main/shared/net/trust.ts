/**
 * Which certificate authorities a TLS connection to a server trusts: Node's bundled Mozilla list,
 * the operating system's store (Keychain, the Windows store, /etc/ssl on Linux: where a company's
 * TLS-inspecting proxy has its root installed), and the extra CA files the user named
 * (`NODE_EXTRA_CA_CERTS`, read by the app itself since Electron ignores it in a packaged build, a
 * CA file in Settings ▸ Network, one per server). The main process reads the files; a proxy child
 * gets their PEM text over the fork channel and reads the system store itself.
 */
import * as fs from 'node:fs';
import type * as Tls from 'node:tls';

/** node:tls, loaded when first asked: an idle proxy never needs it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tlsModule = () => require('node:tls') as typeof Tls;

export interface TrustConfig {
  /** PEM certificates to trust besides the bundled and system ones. */
  extraCa?: string[];
  /** Also trust the operating system's store (default true). */
  systemCa?: boolean;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificate blocks of a PEM text. */
export function pemCertificates(text: string): string[] {
  return text.match(PEM_BLOCK) ?? [];
}

/** Reads a CA file (PEM, one or more certificates); a sentence when it cannot be used. */
export function readCaFile(file: string, what: string): { ok: true; pem: string[] } | { ok: false; error: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, error: `${what} ${file} cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message)})` };
  }
  const pem = pemCertificates(text);
  if (!pem.length) return { ok: false, error: `${what} ${file} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")` };
  return { ok: true, pem };
}

let systemStore: string[] | null | undefined;

/** The operating system's trusted roots, where this runtime can read them (Node 22.15+, Electron 35+); null otherwise. */
export function systemCertificates(): string[] | null {
  if (systemStore !== undefined) return systemStore;
  const tls = tlsModule();
  const get = (tls as unknown as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  try {
    systemStore = typeof get === 'function' ? get('system') : null;
  } catch {
    systemStore = null;
  }
  return systemStore;
}

function bundledCertificates(): readonly string[] {
  const tls = tlsModule();
  const get = (tls as unknown as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  try {
    if (typeof get === 'function') return get('bundled');
  } catch {
    // older runtimes: the same list
  }
  return tls.rootCertificates;
}

const bundles = new Map<string, string[]>();

/**
 * The `ca` option for a TLS connection: bundled + system + extra, or undefined when that would be
 * Node's own default (no system store to add and nothing extra). Cached per configuration.
 */
export function caBundle(trust: TrustConfig | undefined): string[] | undefined {
  const extra = trust?.extraCa ?? [];
  const system = trust?.systemCa === false ? null : systemCertificates();
  if (!extra.length && !system?.length) return undefined;
  const key = `${system ? 's' : '-'}|${extra.join('\n')}`;
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = [...new Set([...bundledCertificates(), ...(system ?? []), ...extra])];
    if (bundles.size > 32) bundles.clear();
    bundles.set(key, bundle);
  }
  return bundle;
}

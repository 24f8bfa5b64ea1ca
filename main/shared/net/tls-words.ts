/**
 * TLS failures in words. OpenSSL's codes (`UNABLE_TO_GET_ISSUER_CERT_LOCALLY`, …) become a
 * sentence that says whose certificate, issued by whom, and what to do ("the certificate of
 * mcp.example.com was issued by 'Zscaler Root CA', which this computer does not trust: add it in
 * Settings ▸ Network"). Who issued it is read by a second handshake that only looks at the
 * certificate chain and sends nothing (`certificateIssuer`), through the same proxy as the request.
 */
import type { LookupFunction } from 'node:net';
import type * as tls from 'node:tls';
import type { NetworkConfig } from './network-config';
import { proxyAuthorization } from './proxy-route';

/** Codes that mean "signed by an authority this computer does not trust". */
const UNTRUSTED = new Set([
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH|EPROTO$)/;

/** The TLS error code in an error or its causes (fetch wraps it), if any. */
export function tlsCodeOf(err: unknown): string | undefined {
  let e: any = err;
  for (let depth = 0; e && depth < 6; depth++, e = e.cause) {
    if (typeof e.code === 'string' && TLS_CODE.test(e.code)) return e.code;
  }
  return undefined;
}

export function isUntrustedCertificate(code: string | undefined): boolean {
  return code !== undefined && UNTRUSTED.has(code);
}

/**
 * A sentence for a TLS failure with `host` (no full stop at the end), or undefined when `code`
 * is not a certificate problem. `issuer`: who issued the certificate, when a look found out.
 */
export function describeTlsFailure(code: string | undefined, host: string, issuer?: string): string | undefined {
  if (!code) return undefined;
  if (UNTRUSTED.has(code)) {
    if (issuer) return `the certificate of ${host} was issued by '${issuer}', which this computer does not trust: add it in Settings ▸ Network`;
    const self = code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ? ' (it is self-signed)' : '';
    return `the certificate of ${host} was issued by an authority this computer does not trust${self}: if your company inspects TLS (a VPN or proxy), add its root certificate in Settings ▸ Network`;
  }
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return `the certificate of ${host} has expired`;
    case 'CERT_NOT_YET_VALID':
      return `the certificate of ${host} is not valid yet (is this computer's clock right?)`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'HOSTNAME_MISMATCH':
      return `the certificate presented for ${host} is for another name`;
    case 'CERT_REVOKED':
      return `the certificate of ${host} was revoked`;
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `${host} did not speak TLS (is it http:// rather than https://?)`;
  }
  return /CERT|SSL|TLS/.test(code) ? `the TLS connection to ${host} failed (${code})` : undefined;
}

/** A name for a certificate's subject or issuer: its CN, else its O. */
function nameOf(who: tls.Certificate | undefined): string | undefined {
  const pick = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const name = pick(who?.CN) ?? pick(who?.O);
  return name ? name.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 120) : undefined;
}

/** Opens the byte stream to `host:port`, through the route's proxy when there is one (undici's CONNECT). */
async function rawSocket(host: string, port: number, net: NetworkConfig | undefined, signal: AbortSignal): Promise<import('node:stream').Duplex | undefined> {
  const route = net?.route;
  if (!route || route.kind === 'direct') return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('undici') as typeof import('undici');
  const client = new Client(route.url);
  const auth = proxyAuthorization(route);
  const { socket, statusCode } = await client.connect({
    path: `${host}:${port}`,
    headers: { host: `${host}:${port}`, ...(auth ? { 'proxy-authorization': auth } : {}) },
    signal,
  });
  if (statusCode !== 200) {
    socket.destroy();
    throw new Error(`the proxy answered ${statusCode}`);
  }
  return socket;
}

/**
 * Who issued the certificate `url`'s server presents (the top of the chain it sends), found by a
 * handshake that accepts any certificate and sends no byte of HTTP; undefined when it cannot tell.
 */
export async function certificateIssuer(url: URL, net?: NetworkConfig, o: { timeoutMs?: number; lookup?: LookupFunction } = {}): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const signal = AbortSignal.timeout(o.timeoutMs ?? 5000);
  try {
    const socket = await rawSocket(host, port, net, signal);
    return await new Promise<string | undefined>((resolve) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const s = (require('node:tls') as typeof tls).connect({
        ...(socket ? { socket } : { host, port, ...(o.lookup ? { lookup: o.lookup } : {}) }),
        servername: /^[\d.:]+$/.test(host) ? undefined : host,
        rejectUnauthorized: false,
        ALPNProtocols: ['http/1.1'],
      });
      const done = (v: string | undefined) => {
        s.destroy();
        resolve(v);
      };
      signal.addEventListener('abort', () => done(undefined), { once: true });
      s.once('error', () => done(undefined));
      s.once('secureConnect', () => {
        let cert = s.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
        for (let i = 0; cert && i < 10 && cert.issuerCertificate && cert.issuerCertificate !== cert; i++) cert = cert.issuerCertificate;
        done(nameOf(cert?.issuer));
      });
    });
  } catch {
    return undefined;
  }
}

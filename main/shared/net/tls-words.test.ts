import { describe, expect, it } from 'vitest';
import { describeTlsFailure, isUntrustedCertificate, tlsCodeOf } from './tls-words';
import { caBundle, pemCertificates, readCaFile, systemCertificates } from './trust';

describe('TLS failures in words', () => {
  it('names the issuer and says where to add it', () => {
    expect(describeTlsFailure('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'mcp.example.com', 'Zscaler Root CA')).toBe(
      "the certificate of mcp.example.com was issued by 'Zscaler Root CA', which this computer does not trust: add it in Settings ▸ Network",
    );
    expect(describeTlsFailure('SELF_SIGNED_CERT_IN_CHAIN', 'h')).toMatch(/authority this computer does not trust: if your company inspects TLS/);
    expect(describeTlsFailure('CERT_HAS_EXPIRED', 'h')).toBe('the certificate of h has expired');
    expect(describeTlsFailure('ERR_TLS_CERT_ALTNAME_INVALID', 'h')).toBe('the certificate presented for h is for another name');
    expect(describeTlsFailure('ECONNREFUSED', 'h')).toBeUndefined();
    expect(describeTlsFailure(undefined, 'h')).toBeUndefined();
  });

  it('finds the code in fetch-wrapped causes', () => {
    const err = new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }) });
    expect(tlsCodeOf(err)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(isUntrustedCertificate(tlsCodeOf(err))).toBe(true);
    expect(tlsCodeOf(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBeUndefined();
  });
});

describe('trust', () => {
  it('reads CA files and says why one cannot be used', () => {
    expect(readCaFile('/nonexistent/ca.pem', 'The CA file')).toEqual({ ok: false, error: 'The CA file /nonexistent/ca.pem cannot be read (no such file)' });
    const file = require.resolve('./proxy-route.ts');
    expect(readCaFile(file, 'X')).toMatchObject({ ok: false, error: expect.stringMatching(/holds no PEM certificate/) });
  });

  it('bundles the bundled roots, the system store and the extra CAs', () => {
    const extra = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    expect(pemCertificates(`junk\n${extra}\n${extra}`)).toEqual([extra, extra]);
    const bundle = caBundle({ extraCa: [extra] })!;
    expect(bundle).toContain(extra);
    // The system store (this runtime reads it: Node 22.23) is in the bundle too.
    const system = systemCertificates();
    expect(system?.length).toBeGreaterThan(0);
    expect(bundle).toContain(system![0]);
    expect(caBundle({ extraCa: [extra] })).toBe(bundle); // cached
    expect(caBundle({ systemCa: false })).toBeUndefined();
  });
});

import { causeChain, type ErrorLink } from './cause-chain';

/** Node's codes for a peer certificate this process does not trust (unknown CA, wrong name, expired). */
const TLS_TRUST_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The first link whose `code` says the peer's certificate is not trusted, if any. */
export function untrustedCertificate(error: unknown): ErrorLink | undefined {
  for (const link of causeChain(error)) if (typeof link.code === 'string' && TLS_TRUST_CODES.has(link.code)) return link;
  return undefined;
}


/**
 * Sent with every answer. The pages load only their own script (htmx) and stylesheet, post only to
 * themselves and may not be framed (clickjacking a replay button), so the policy can be this tight.
 */
export const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ConsoleForbiddenError } from '../console.errors';

/** The admin session cookie: `<issuedAtMs>.<HMAC>`, keyed by CONSOLE_ADMIN_TOKEN, so it needs no server-side store. */
export const SESSION_COOKIE = 'opal_console_admin';
/** Scripts may send the token itself instead of logging in; a custom header is never sent cross-site without CORS. */
export const TOKEN_HEADER = 'x-console-token';
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/** What admin access reads of a request. */
export interface AccessRequest {
  headers: Record<string, string | string[] | undefined>;
  cookies?: Record<string, string | undefined>;
}

const digest = (text: string) => createHash('sha256').update(text).digest();
/** Equal-length digests, so the comparison takes the same time whatever the inputs. */
const sameText = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));
const header = (request: AccessRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Who may change something (replay dead letters). Without CONSOLE_ADMIN_TOKEN nobody: the console
 * is read-only. With it, a browser logs in once (an HttpOnly, SameSite=Strict session cookie) and
 * each write carries a CSRF token derived from that session; a script sends the token header.
 */
export class AdminAccess {
  constructor(
    private readonly token: string | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.token !== undefined;
  }

  tokenMatches(candidate: string): boolean {
    return this.token !== undefined && sameText(candidate, this.token);
  }

  /** A new session cookie value; call only after `tokenMatches`. */
  issueSession(): string {
    const issuedAt = String(this.now());
    return `${issuedAt}.${this.sign(`session.${issuedAt}`)}`;
  }

  isAdmin(request: AccessRequest): boolean {
    const sent = header(request, TOKEN_HEADER);
    if (sent !== undefined) return this.tokenMatches(sent);
    return this.validSession(request.cookies?.[SESSION_COOKIE]) !== null;
  }

  /** The token a form of this session must send back; null without a session. */
  csrfToken(request: AccessRequest): string | null {
    const session = this.validSession(request.cookies?.[SESSION_COOKIE]);
    return session === null ? null : this.sign(`csrf.${session}`);
  }

  /**
   * @throws ConsoleForbiddenError naming why a write is refused: read-only console, not logged in,
   * a cross-site request, or a missing or wrong CSRF token.
   */
  assertMayWrite(request: AccessRequest, csrfField: string | undefined): void {
    if (!this.enabled) throw new ConsoleForbiddenError('the console is read-only: set CONSOLE_ADMIN_TOKEN to allow replays');
    const sent = header(request, TOKEN_HEADER);
    if (sent !== undefined) {
      if (!this.tokenMatches(sent)) throw new ConsoleForbiddenError(`wrong ${TOKEN_HEADER}`);
      return;
    }
    if (header(request, 'sec-fetch-site') === 'cross-site') throw new ConsoleForbiddenError('cross-site requests may not change anything');
    const expected = this.csrfToken(request);
    if (expected === null) throw new ConsoleForbiddenError('log in as admin first (/login)');
    if (csrfField === undefined || !sameText(csrfField, expected))
      throw new ConsoleForbiddenError('the form is stale or was not sent by this console (CSRF token mismatch): reload the page and try again');
  }

  private validSession(cookie: string | undefined): string | null {
    if (!this.token || !cookie) return null;
    const [issuedAt, signature] = cookie.split('.');
    if (!issuedAt || !signature || !/^\d+$/.test(issuedAt)) return null;
    if (!sameText(signature, this.sign(`session.${issuedAt}`))) return null;
    const age = this.now() - Number(issuedAt);
    return age >= 0 && age < SESSION_TTL_MS ? cookie : null;
  }

  private sign(text: string): string {
    return createHmac('sha256', this.token as string).update(text).digest('base64url');
  }
}

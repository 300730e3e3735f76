import { ConsoleForbiddenError } from '../console.errors';
import { AdminAccess, SESSION_COOKIE, SESSION_TTL_MS, TOKEN_HEADER } from './admin-access';

const TOKEN = 'admin-token-for-tests-0123456789';

describe(AdminAccess.name, () => {
  let now: number;
  const access = () => new AdminAccess(TOKEN, () => now);
  const withCookie = (cookie: string) => ({ headers: {}, cookies: { [SESSION_COOKIE]: cookie } });

  beforeEach(() => {
    now = 1_700_000_000_000;
  });

  describe('assertMayWrite', () => {
    it('should refuse every write when no token is configured, saying how to allow them', () => {
      const readOnly = new AdminAccess(undefined);

      expect(readOnly.enabled).toBe(false);
      expect(() => readOnly.assertMayWrite({ headers: { [TOKEN_HEADER]: TOKEN } }, undefined)).toThrow(/read-only: set CONSOLE_ADMIN_TOKEN/);
    });

    it('should accept the right token header without a CSRF token and refuse a wrong one', () => {
      expect(() => access().assertMayWrite({ headers: { [TOKEN_HEADER]: TOKEN } }, undefined)).not.toThrow();
      expect(() => access().assertMayWrite({ headers: { [TOKEN_HEADER]: `${TOKEN}x` } }, undefined)).toThrow(ConsoleForbiddenError);
    });

    it("should accept a session's own CSRF token only", () => {
      const cookie = access().issueSession();
      const request = withCookie(cookie);
      const csrf = access().csrfToken(request) as string;

      expect(() => access().assertMayWrite(request, csrf)).not.toThrow();
      expect(() => access().assertMayWrite(request, undefined)).toThrow(/CSRF token mismatch/);
      expect(() => access().assertMayWrite(request, `${csrf}A`)).toThrow(/CSRF token mismatch/);
      now += 1;
      const otherSession = withCookie(access().issueSession());
      expect(() => access().assertMayWrite(otherSession, csrf)).toThrow(/CSRF token mismatch/);
    });

    it('should refuse a cross-site request even with a valid session and token', () => {
      const cookie = access().issueSession();
      const request = { headers: { 'sec-fetch-site': 'cross-site' }, cookies: { [SESSION_COOKIE]: cookie } };

      expect(() => access().assertMayWrite(request, access().csrfToken(request) as string)).toThrow(/cross-site/);
    });

    it('should ask to log in without a session', () => {
      expect(() => access().assertMayWrite({ headers: {} }, 'x')).toThrow(/log in as admin first/);
    });
  });

  describe('isAdmin', () => {
    it('should accept a session it issued until it expires', () => {
      const cookie = access().issueSession();

      expect(access().isAdmin(withCookie(cookie))).toBe(true);
      now += SESSION_TTL_MS;
      expect(access().isAdmin(withCookie(cookie))).toBe(false);
    });

    it('should refuse a forged or tampered cookie, and a cookie signed with another token', () => {
      const cookie = access().issueSession();
      const [issuedAt] = cookie.split('.');

      expect(access().isAdmin(withCookie(`${Number(issuedAt) + 1}.${cookie.split('.')[1]}`))).toBe(false);
      expect(access().isAdmin(withCookie('garbage'))).toBe(false);
      expect(new AdminAccess('another-token-0123456789', () => now).isAdmin(withCookie(cookie))).toBe(false);
    });
  });
});

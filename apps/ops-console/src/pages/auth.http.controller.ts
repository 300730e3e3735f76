import { Body, Controller, Get, Header, Logger, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminAccess, SESSION_COOKIE, SESSION_TTL_MS } from '../auth/admin-access';
import { html } from '../views/html';
import { ConsolePageFilter } from './console-page.filter';
import { PageRenderer } from './page.renderer';

/** Only same-site paths: a `next` pointing elsewhere would make the login an open redirect. */
const safeNext = (next: string | undefined) => (next && /^\/(?![/\\])/.test(next) ? next : '/dead-letters');

/** Admin login with CONSOLE_ADMIN_TOKEN; the session is a signed, HttpOnly, SameSite=Strict cookie. */
@UseFilters(ConsolePageFilter)
@Controller()
export class AuthHttpController {
  private readonly logger = new Logger(AuthHttpController.name);

  constructor(
    private readonly pages: PageRenderer,
    private readonly access: AdminAccess,
  ) {}

  @Get('login')
  @Header('content-type', 'text/html; charset=utf-8')
  form(@Req() request: FastifyRequest, @Query('next') next?: string): string {
    return this.pages.page(request, 'Log in', undefined, this.loginForm(next));
  }

  @Post('login')
  async login(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Record<string, string | undefined>): Promise<void> {
    const next = safeNext(form?.['next']);
    if (!this.access.enabled || !this.access.tokenMatches(form?.['token'] ?? '')) {
      // Never the token itself: only that a login was refused, and from where.
      this.logger.warn(`admin login refused from ${request.ip}`);
      const problem = this.access.enabled ? 'Wrong admin token.' : 'The console is read-only: CONSOLE_ADMIN_TOKEN is not set.';
      await reply
        .status(401)
        .type('text/html; charset=utf-8')
        .send(this.pages.page(request, 'Log in', undefined, html`<div class="problem" id="page-problem">${problem}</div>${this.loginForm(next)}`));
      return;
    }
    reply.setCookie(SESSION_COOKIE, this.access.issueSession(), {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: request.protocol === 'https',
      maxAge: SESSION_TTL_MS / 1000,
    });
    await reply.redirect(next, 303);
  }

  @Post('logout')
  async logout(@Res() reply: FastifyReply): Promise<void> {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    await reply.redirect('/', 303);
  }

  private loginForm(next: string | undefined) {
    if (!this.access.enabled) return html`<p>The console is read-only: replays need CONSOLE_ADMIN_TOKEN set in its environment.</p>`;
    return html`<form method="post" action="/login" id="login">
<input type="hidden" name="next" value="${safeNext(next)}">
<label>Admin token <input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit">Log in</button>
</form>`;
  }
}

import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DlqError, DlqKafkaError } from '@opal/platform-dlq';
import { ConsoleForbiddenError, ConsoleInputError } from '../console.errors';
import { html } from '../views/html';
import { PageRenderer } from './page.renderer';

/**
 * On every page controller (before the app-wide problem+json filter): a page asked for something it
 * cannot have answers with the reason on a page: 400 for input (and the DLQ tool's "understood,
 * cannot be done" errors), 403 for a write that is not allowed, 503 when Kafka failed.
 */
@Catch(ConsoleInputError, ConsoleForbiddenError, DlqError)
export class ConsolePageFilter implements ExceptionFilter {
  constructor(private readonly pages: PageRenderer) {}

  catch(error: Error, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const { status, title } = pageProblemOf(error);
    const body = html`<div class="problem" role="alert" id="page-problem">${error.message}</div><p><a href="/">back to the overview</a></p>`;
    void http
      .getResponse<FastifyReply>()
      .status(status)
      .type('text/html; charset=utf-8')
      .send(this.pages.page(request, title, undefined, body));
  }
}

/** 403 for a refused write, 503 when Kafka failed a request that was fine, 400 for the request itself. */
export function pageProblemOf(error: Error): { status: 400 | 403 | 503; title: string } {
  if (error instanceof ConsoleForbiddenError) return { status: 403, title: 'Not allowed' };
  if (error instanceof DlqKafkaError) return { status: 503, title: 'Kafka unavailable' };
  return { status: 400, title: 'Cannot do that' };
}

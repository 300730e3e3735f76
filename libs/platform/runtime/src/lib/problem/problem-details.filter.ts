import { Catch, Logger, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { methodNotAllowed, sendProblem } from './problem-details';
import type { RouteMethods } from './route-methods';

/**
 * Every HTTP error a route throws leaves as problem+json; 5xx are logged with their cause. Errors
 * of other contexts (Kafka message handlers) are rethrown unchanged: Nest's default RPC filter
 * would replace them with `{ status: 'error' }`, and the consumer decides retry, dead-letter or
 * pause from the error's class.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  /**
   * @param routes the app's routes, so a known path asked with the wrong method is a 405, not a 404.
   * @param logFieldsOf what else names the request on a 5xx's line (`PROBLEM_LOG_FIELDS`).
   */
  constructor(
    private readonly routes?: RouteMethods,
    private readonly logFieldsOf?: (request: FastifyRequest) => Record<string, unknown>,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const problem = sendProblem(this.refine(exception, request), request, http.getResponse<FastifyReply>());
    if (problem.status >= 500) this.logger.error({ ...this.logFieldsOf?.(request), err: exception, status: problem.status }, 'request failed');
  }

  /** Nest answers "no route" with a NotFoundException; with another method's route at that path it is a 405. */
  private refine(exception: unknown, request: FastifyRequest): unknown {
    if (!(exception instanceof NotFoundException) || !this.routes || request.routeOptions.url !== undefined) return exception;
    const allowed = this.routes.allowedFor(request.url);
    return allowed.length > 0 ? methodNotAllowed(request.method, allowed) : exception;
  }
}

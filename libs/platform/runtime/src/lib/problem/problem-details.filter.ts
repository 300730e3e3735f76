import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem-details';

/**
 * Every HTTP error a route throws leaves as problem+json; 5xx are logged with their cause. Errors
 * of other contexts (Kafka message handlers) are rethrown unchanged: Nest's default RPC filter
 * would replace them with `{ status: 'error' }`, and the consumer decides retry, dead-letter or
 * pause from the error's class.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const problem = sendProblem(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
    if (problem.status >= 500) this.logger.error({ err: exception, status: problem.status }, 'request failed');
  }
}

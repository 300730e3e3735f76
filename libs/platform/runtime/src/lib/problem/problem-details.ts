import { HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException, type ProblemFieldError, type ProblemOptions } from './problem.exception';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance: string;
  correlation_id?: string;
  errors?: ProblemFieldError[];
}

/** Fastify's own errors (raised before a route runs) carry a status and an FST_ code. */
const KNOWN_PROBLEMS = {
  400: { code: 'bad-request', title: 'Bad request' },
  404: { code: 'not-found', title: 'Not found' },
  405: { code: 'method-not-allowed', title: 'Method not allowed' },
  413: { code: 'payload-too-large', title: 'Payload too large' },
  414: { code: 'uri-too-long', title: 'URI too long' },
  415: { code: 'unsupported-media-type', title: 'Unsupported media type' },
} as const;
const FASTIFY_PROBLEMS: Record<number, { code: string; title: string }> = KNOWN_PROBLEMS;

/** A problem of one of the statuses above, with its stable code and title. */
function knownProblem(status: keyof typeof KNOWN_PROBLEMS, options: ProblemOptions): ProblemException {
  return new ProblemException(status, KNOWN_PROBLEMS[status].code, KNOWN_PROBLEMS[status].title, options);
}

function toProblem(error: unknown): ProblemException {
  if (error instanceof ProblemException) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const known = FASTIFY_PROBLEMS[status];
    return new ProblemException(status, known?.code ?? `http-${status}`, known?.title ?? error.message, { detail: error.message });
  }
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const known = FASTIFY_PROBLEMS[status] ?? { code: `http-${status}`, title: 'Request rejected' };
    return new ProblemException(status, known.code, known.title, { detail: (error as Error).message });
  }
  // Anything else is our bug: no message, no stack to the caller (the log has them).
  return new ProblemException(500, 'internal-error', 'Internal server error');
}

/** A known path asked with a method none of its routes answers (RFC 9110 §15.5.6: 405 lists them in `Allow`). */
export function methodNotAllowed(method: string, allowed: readonly string[]): ProblemException {
  return knownProblem(405, {
    detail: `${method} is not allowed here; allowed: ${allowed.join(', ')}`,
    headers: { allow: allowed.join(', ') },
  });
}

/**
 * Errors Fastify raises before any route or hook runs (Fastify's `frameworkErrors`), as problems
 * that do not echo the offending URL back.
 */
export function frameworkProblem(error: Error & { code?: string }): ProblemException {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return knownProblem(414, { detail: 'a path segment is longer than this API accepts' });
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    return knownProblem(400, { detail: 'the URL is not valid (malformed percent-encoding)' });
  }
  return toProblem(error);
}

/** Sends `error` as `application/problem+json`, echoing the request's correlation id. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): ProblemException {
  const problem = toProblem(error);
  const correlationId = reply.getHeader('x-correlation-id') ?? request.headers['x-correlation-id'];
  const body: ProblemBody = {
    type: `/problems/${problem.code}`,
    title: problem.title,
    status: problem.status,
    ...(problem.options.detail ? { detail: problem.options.detail } : {}),
    instance: request.url,
    ...(typeof correlationId === 'string' ? { correlation_id: correlationId } : {}),
    ...(problem.options.errors ? { errors: problem.options.errors } : {}),
  };
  void reply
    .status(problem.status)
    .headers(problem.options.headers ?? {})
    .type('application/problem+json')
    .send(body);
  return problem;
}

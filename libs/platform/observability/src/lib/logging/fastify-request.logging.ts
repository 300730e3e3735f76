import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Store, storage } from 'nestjs-pino/storage';
import type { Logger } from 'pino';
import { CORRELATION_ID_LOG_KEY, OBSERVABILITY_OPTIONS, REQUEST_LOG_QUIET_PATHS, ROOT_LOGGER } from '../observability.constants';
import type { ObservabilityOptions } from '../observability.types';
import { isQuietPath, requestLogLevel, requestSummary } from './json-logger.factory';
import { RequestScopedLogger } from './request-scoped.logger';

/**
 * Request logging on Fastify's own hooks, in place of pino-http's middleware: every request runs
 * in a context whose application lines carry its correlation id (nestjs-pino's `PinoLogger` reads
 * the logger from that context; `requestContext: false` leaves it out), and one `request completed` line is written when the response
 * is sent, by the root logger, at a level by status, unless the path is a quiet one (probes,
 * scrapes). Nothing per request is built unless a line is written. Registered after
 * `FastifyCorrelationHook`, so `request.id` is the correlation id.
 */
@Injectable()
export class FastifyRequestLogging implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ROOT_LOGGER) private readonly root: Logger,
    @Inject(REQUEST_LOG_QUIET_PATHS) private readonly quietPaths: readonly string[],
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    const fastify = adapter.getInstance<FastifyInstance>();
    const inRequestContext = this.options.requestContext ?? true;
    fastify.addHook('onRequest', (request, _reply, done) => {
      // Where `correlationIdOf` reads it (Fastify's middleware layer used to copy it there).
      (request.raw as typeof request.raw & { id?: string }).id = request.id;
      if (!inRequestContext) return done();
      // Fastify binds body parsing and the handler to the context the hook chain runs in.
      storage.run(new Store(new RequestScopedLogger(this.root, request.id) as unknown as Logger), done);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      this.completed(request, reply);
      done();
    });
  }

  private completed(request: FastifyRequest, reply: FastifyReply): void {
    const level = requestLogLevel(reply.statusCode);
    if (!this.root.isLevelEnabled(level) || isQuietPath(request.url, this.quietPaths)) return;
    this.root[level](
      {
        [CORRELATION_ID_LOG_KEY]: request.id,
        req: requestSummary({
          method: request.method,
          url: request.url,
          remoteAddress: request.raw.socket?.remoteAddress,
          headers: request.headers,
        }),
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
  }
}

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { CORRELATION_ID_HEADER } from '../observability.constants';
import { resolveCorrelationId } from './correlation-id';

/**
 * Makes Fastify's own request id the correlation id and echoes it on every response, errors and
 * 404s included. `FastifyRequestLogging`, registered after it, logs and scopes the request under
 * that id.
 */
@Injectable()
export class FastifyCorrelationHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    const fastify = adapter.getInstance<FastifyInstance>();
    fastify.setGenReqId((req) => resolveCorrelationId(req.headers[CORRELATION_ID_HEADER]));
    fastify.addHook('onRequest', (request, reply, done) => {
      void reply.header(CORRELATION_ID_HEADER, request.id);
      done();
    });
  }
}

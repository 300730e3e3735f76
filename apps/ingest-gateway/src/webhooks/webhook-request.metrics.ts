import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OpalMetrics } from '@opal/platform-observability';
import type { FastifyInstance } from 'fastify';

export const WEBHOOK_ROUTE = '/v1/webhooks/opal';

/**
 * Counts every answer of the webhook route by status. A Fastify `onResponse` hook sees the
 * responses the framework writes itself (413, 415, bad JSON) as well as the controller's.
 */
@Injectable()
export class WebhookRequestMetrics implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: OpalMetrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', async (request, reply) => {
      if (request.routeOptions.url === WEBHOOK_ROUTE) this.metrics.recordWebhookRequest(reply.statusCode);
    });
  }
}

import { randomUUID } from 'node:crypto';
import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WebhooksService } from './webhooks.service';

const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;

@Controller('v1/webhooks')
export class WebhooksHttpController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('opal')
  @HttpCode(202)
  async receive(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const header = request.headers['x-correlation-id'];
    const correlationId = typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID();
    void reply.header('x-correlation-id', correlationId);
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const outcome = await this.webhooks.accept({ rawBody, headers: request.headers, correlationId });
    void reply.status(outcome.status);
    return outcome.body;
  }
}

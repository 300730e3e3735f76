import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestCorrelationId } from '@opal/platform-observability';
import { WebhooksService } from './webhooks.service';

@Controller('v1/webhooks')
export class WebhooksHttpController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('opal')
  @HttpCode(202)
  async receive(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    // Decided once at the edge by ObservabilityModule, which also logs and echoes it.
    const correlationId = requestCorrelationId(request);
    const outcome = await this.webhooks.accept({ rawBody, headers: request.headers, correlationId });
    void reply.status(outcome.status);
    return outcome.body;
  }
}

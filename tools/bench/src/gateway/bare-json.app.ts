import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

/** The baseline: the same framework stack as the gateway, doing nothing but parse the JSON body. */
@Controller()
class BareWebhookController {
  @Post('v1/webhooks/opal')
  @HttpCode(202)
  accept(@Body() body: { type?: unknown }) {
    return { accepted: typeof body.type === 'string' };
  }

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }
}

@Module({ controllers: [BareWebhookController] })
class BareModule {}

export async function serveBareJsonEndpoint(port: number): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: ['error'] });
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
}

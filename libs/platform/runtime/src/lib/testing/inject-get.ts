import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/** Boots `rootModule` on Fastify without opening a port and answers one GET through `inject`. */
export async function injectGet(rootModule: Type | DynamicModule, url: string) {
  const moduleRef = await Test.createTestingModule({ imports: [rootModule] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  try {
    const response = await app.inject({ method: 'GET', url });
    return { statusCode: response.statusCode, body: response.json() as Record<string, unknown> };
  } finally {
    await app.close();
  }
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Signatures are over the exact bytes sent, so JSON bodies reach the webhook route unparsed (a
 * Buffer); the service parses them after verification. Only JSON is accepted: every other media
 * type is Fastify's 415, rendered as problem+json. Oversized bodies stop at `bodyLimit` (413).
 */
export function useRawJsonBodies(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
}

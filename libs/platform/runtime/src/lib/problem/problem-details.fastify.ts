import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { sendProblem } from './problem-details';

/**
 * Nest's filters see errors from route handlers and unknown routes (Nest's own not-found
 * handler throws into them). Fastify's errors before routing — body too large, wrong media
 * type, unreadable body — go to Fastify's error handler: route them through the same problem+json.
 */
export function installFastifyProblemHandlers(app: NestFastifyApplication): void {
  app.getHttpAdapter().getInstance().setErrorHandler((error, request, reply) => {
    sendProblem(error, request, reply);
  });
}

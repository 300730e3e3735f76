import { Controller, Get, Res } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { LivenessChecker } from './liveness/liveness.checker';
import { ReadinessChecker } from './readiness/readiness.checker';

/** The part of a Fastify reply (or Express response) the health endpoints use. */
export interface StatusReply {
  status(code: number): unknown;
}

@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly liveness: LivenessChecker,
    private readonly readiness: ReadinessChecker,
  ) {}

  /**
   * The process and the app's liveness indicators; it stays 200 while the app drains, and a
   * dependency outage never fails it (pods must not restart in a loop).
   */
  @Get('live')
  @HealthCheck()
  async live(@Res({ passthrough: true }) reply: StatusReply): Promise<HealthCheckResult> {
    const { statusCode, body } = await this.liveness.check();
    reply.status(statusCode);
    return body;
  }

  /**
   * Every configured dependency. The status is set on the reply rather than thrown, so global
   * exception filters (problem+json) keep Terminus's body naming the dependency that is down.
   */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: StatusReply): Promise<HealthCheckResult> {
    const { statusCode, body } = await this.readiness.check();
    reply.status(statusCode);
    return body;
  }
}

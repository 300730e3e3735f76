import { Controller, Get, Res } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { ProcessHealthIndicator } from './process.health-indicator';
import { ReadinessChecker } from './readiness/readiness.checker';

/** The part of a Fastify reply (or Express response) the health endpoints use. */
export interface StatusReply {
  status(code: number): unknown;
}

@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly processIndicator: ProcessHealthIndicator,
    private readonly readiness: ReadinessChecker,
  ) {}

  /** The process only, and it stays 200 while the app drains: a dependency outage must not restart pods. */
  @Get('live')
  @HealthCheck()
  live(): HealthCheckResult {
    const info = this.processIndicator.isAlive();
    return { status: 'ok', info, error: {}, details: info };
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

import { Controller, Get, Res } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { HEALTH_KEYS } from './health.constants';
import type { StatusReply } from './health.http.controller';
import { ReadinessChecker } from './readiness/readiness.checker';

/** The seed's health paths, kept for the tools written against them (`seedAliases: true`). */
@Controller('api')
export class HealthSeedAliasesHttpController {
  constructor(private readonly readiness: ReadinessChecker) {}

  /** Same as `GET /health/ready`. */
  @Get('health')
  @HealthCheck()
  async health(@Res({ passthrough: true }) reply: StatusReply): Promise<HealthCheckResult> {
    return this.answer(reply);
  }

  /** The Kafka indicator alone. */
  @Get('kafka/health')
  @HealthCheck()
  async kafka(@Res({ passthrough: true }) reply: StatusReply): Promise<HealthCheckResult> {
    return this.answer(reply, HEALTH_KEYS.kafka);
  }

  private async answer(reply: StatusReply, key?: string): Promise<HealthCheckResult> {
    const { statusCode, body } = await this.readiness.check(key);
    reply.status(statusCode);
    return body;
  }
}

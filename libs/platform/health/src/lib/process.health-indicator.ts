import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';

/**
 * Liveness: answers as long as the event loop does. It deliberately checks no dependency, so a
 * broker outage makes pods unready, never restarts them in a loop.
 */
@Injectable()
export class ProcessHealthIndicator {
  constructor(private readonly indicator: HealthIndicatorService) {}

  isAlive(key = 'process') {
    return this.indicator.check(key).up({ pid: process.pid, uptimeSeconds: Math.round(process.uptime()) });
  }
}

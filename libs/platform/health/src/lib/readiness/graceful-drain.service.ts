import { Inject, Injectable, Optional, type BeforeApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { HEALTH_OPTIONS } from '../health.constants';
import type { HealthModuleOptions } from '../health.types';

/**
 * Readiness turns 503 as soon as the app starts closing. On SIGTERM it then waits
 * `gracefulShutdownTimeoutMs` before Nest closes the HTTP server, so the load balancer stops
 * routing here while in-flight and already-routed requests still get answers.
 */
@Injectable()
export class GracefulDrain implements OnModuleDestroy, BeforeApplicationShutdown {
  private closing = false;

  constructor(@Optional() @Inject(HEALTH_OPTIONS) private readonly options: HealthModuleOptions | null) {}

  get isDraining(): boolean {
    return this.closing;
  }

  onModuleDestroy(): void {
    this.closing = true;
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.closing = true;
    const delayMs = this.options?.gracefulShutdownTimeoutMs ?? 0;
    if (signal === 'SIGTERM' && delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

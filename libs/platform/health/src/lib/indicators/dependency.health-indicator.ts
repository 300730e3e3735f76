import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { messageOf, withinDeadline } from '../deadline';
import { DEFAULT_CHECK_TIMEOUT_MS } from '../health.constants';
import type { ReadinessIndicator } from '../readiness/readiness-indicator';

export type ProbeDetails = Record<string, unknown>;

/**
 * Base of the dependency indicators: runs `probe()` with a deadline and turns any failure into
 * `down` with a message. Concurrent checks share one probe, so a slow dependency never piles up
 * requests. Extend it for a custom readiness check (an `@Injectable()` subclass can use DI).
 */
export abstract class DependencyHealthIndicator implements ReadinessIndicator {
  private readonly results = new HealthIndicatorService();
  private pending?: Promise<ProbeDetails | void>;

  protected constructor(
    readonly key: string,
    readonly timeoutMs: number = DEFAULT_CHECK_TIMEOUT_MS,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const session = this.results.check(this.key);
    try {
      const details = await withinDeadline(this.probeOnce(), this.timeoutMs, this.key);
      return session.up(details ?? {});
    } catch (error) {
      return session.down({ message: messageOf(error) });
    }
  }

  /** Resolves (optionally with details for the body) when the dependency answers; rejects otherwise. */
  protected abstract probe(): Promise<ProbeDetails | void>;

  private probeOnce(): Promise<ProbeDetails | void> {
    this.pending ??= Promise.resolve()
      .then(() => this.probe())
      .finally(() => (this.pending = undefined));
    return this.pending;
  }
}

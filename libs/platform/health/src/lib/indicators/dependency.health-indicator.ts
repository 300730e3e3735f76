import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { messageOf, withinDeadline } from '../deadline';
import { DEFAULT_CHECK_TIMEOUT_MS } from '../health.constants';
import type { ReadinessIndicator } from '../readiness/readiness-indicator';

export type ProbeDetails = Record<string, unknown>;

/**
 * Base of the dependency indicators: runs `probe()` with a deadline and turns any failure into
 * `down` with a message. Concurrent checks share one probe, so a slow dependency never piles up
 * requests. Extend it for a custom readiness check (an `@Injectable()` subclass can use DI).
 *
 * It checks once when the app has started and logs one line whenever the answer changes (down
 * with a new reason, or up again), so a dependency that refuses the app at start-up (a wrong
 * password, an untrusted certificate) is named in the log once, not on every probe.
 */
export abstract class DependencyHealthIndicator
  implements ReadinessIndicator, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly results = new HealthIndicatorService();
  private readonly logger = new Logger('Readiness');
  private pending?: Promise<ProbeDetails | void>;
  /** The last answer: `undefined` before the first check, '' when up, else the reason it was down. */
  private lastReason?: string;
  private startupCheck?: Promise<unknown>;

  protected constructor(
    readonly key: string,
    readonly timeoutMs: number = DEFAULT_CHECK_TIMEOUT_MS,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const session = this.results.check(this.key);
    try {
      const details = await withinDeadline(this.probeOnce(), this.timeoutMs, this.key);
      this.noteAnswer('');
      return session.up(details ?? {});
    } catch (error) {
      const message = this.describeFailure(error);
      this.noteAnswer(message);
      return session.down({ message });
    }
  }

  onApplicationBootstrap(): void {
    this.startupCheck = this.check();
  }

  /** A start-up check still running (bounded by the deadline) ends before the app's clients close. */
  async onApplicationShutdown(): Promise<void> {
    await this.startupCheck;
  }

  /** The reason a failed probe gives in the body and the log; override to name a misconfiguration. */
  protected describeFailure(error: unknown): string {
    return messageOf(error);
  }

  /** Resolves (optionally with details for the body) when the dependency answers; rejects otherwise. */
  protected abstract probe(): Promise<ProbeDetails | void>;

  private noteAnswer(reason: string): void {
    const previous = this.lastReason;
    this.lastReason = reason;
    if (reason === previous) return;
    if (reason) this.logger.warn({ dependency: this.key, reason }, `${this.key} is not ready: ${reason}`);
    else if (previous) this.logger.log({ dependency: this.key }, `${this.key} is ready again`);
  }

  private probeOnce(): Promise<ProbeDetails | void> {
    this.pending ??= Promise.resolve()
      .then(() => this.probe())
      .finally(() => (this.pending = undefined));
    return this.pending;
  }
}

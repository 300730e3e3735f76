import { Logger } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import type { Dependency } from '@opal/platform-errors';
import { DependencyUnavailableError } from './consumer.errors';
import { failureKindOf } from './failure.kind';

export type BreakerState = 'closed' | 'half-open' | 'open';

export interface DependencyGuardOptions {
  /** Resolves when the dependency answers; run when a breaker half-opens, to decide whether to close it. */
  probes: Record<Dependency, () => Promise<unknown>>;
  /** How long a breaker stays open before its probe runs (`CIRCUIT_BREAKER_RESET_MS`). */
  resetTimeoutMs: number;
  onStateChange?: (dependency: Dependency, state: BreakerState) => void;
  /** Called when the first breaker opens, and when the last one closes again. */
  onAvailabilityChange?: (available: boolean) => void;
}

type Operation = () => Promise<unknown>;

/** Whether `error` says that this dependency, not another one, is down. */
function showsDown(dependency: Dependency, error: unknown): boolean {
  const failure = failureKindOf(error);
  return failure.kind === 'dependency' && failure.dependency === dependency;
}

/**
 * One opossum circuit breaker per downstream (Redis, the registry, Kafka for dead letters). Any
 * failure that says "the downstream is down" opens its breaker at once: the consumer cannot move
 * past that record anyway, so it pauses. While open, calls fail fast with
 * `DependencyUnavailableError`; after `resetTimeoutMs` the breaker half-opens and runs the probe:
 * success closes it, failure opens it for another period. Other errors (a handler bug, a bad
 * record) pass through and never count against the downstream.
 */
export class DependencyGuard {
  private readonly logger = new Logger(DependencyGuard.name);
  private readonly breakers = new Map<Dependency, CircuitBreaker<[Operation], unknown>>();
  private readonly open = new Set<Dependency>();
  private stopped = false;

  constructor(private readonly options: DependencyGuardOptions) {
    for (const dependency of Object.keys(options.probes) as Dependency[]) this.breakers.set(dependency, this.breakerFor(dependency));
  }

  get available(): boolean {
    return this.open.size === 0;
  }

  openDependencies(): Dependency[] {
    return [...this.open];
  }

  /**
   * Runs `operation` unless the dependency's breaker is open or half-open (then it rejects at once
   * with `DependencyUnavailableError`). A failure that says this dependency is down opens the
   * breaker. The breaker is only consulted, not fired, per call: it opens on the first such failure
   * anyway, and firing it for every record was a measurable share of a consumer's CPU.
   */
  async run<T>(dependency: Dependency, operation: () => Promise<T>): Promise<T> {
    const breaker = this.breaker(dependency);
    if (breaker.opened || breaker.halfOpen) throw new DependencyUnavailableError(dependency);
    try {
      return await operation();
    } catch (error) {
      if (showsDown(dependency, error)) this.trip(dependency, error);
      throw error;
    }
  }

  /** Opens the breaker after a failure seen outside `run` (e.g. inside a handler). */
  trip(dependency: Dependency, cause: unknown): void {
    const breaker = this.breaker(dependency);
    if (!breaker.opened) {
      this.logger.warn({ dependency, err: cause }, `${dependency} unavailable: pausing consumption`);
      breaker.open();
    }
  }

  /** Stops probing (shutdown): breakers stay as they are and no timer is left behind. */
  shutdown(): void {
    this.stopped = true;
    for (const breaker of this.breakers.values()) breaker.shutdown();
  }

  private breaker(dependency: Dependency): CircuitBreaker<[Operation], unknown> {
    const breaker = this.breakers.get(dependency);
    if (!breaker) throw new TypeError(`no circuit breaker for ${dependency}`);
    return breaker;
  }

  private breakerFor(dependency: Dependency): CircuitBreaker<[Operation], unknown> {
    const breaker = new CircuitBreaker<[Operation], unknown>((operation) => operation(), {
      name: dependency,
      timeout: false,
      resetTimeout: this.options.resetTimeoutMs,
      // One "downstream is down" failure is enough: the record that met it cannot proceed either.
      volumeThreshold: 1,
      errorThresholdPercentage: 1,
      errorFilter: (error: unknown) => !showsDown(dependency, error),
    });
    breaker.on('open', () => this.changed(dependency, 'open'));
    breaker.on('close', () => this.changed(dependency, 'closed'));
    breaker.on('halfOpen', () => {
      this.changed(dependency, 'half-open');
      void this.probe(dependency, breaker);
    });
    this.options.onStateChange?.(dependency, 'closed');
    return breaker;
  }

  private async probe(dependency: Dependency, breaker: CircuitBreaker<[Operation], unknown>): Promise<void> {
    if (this.stopped) return;
    try {
      await breaker.fire(async () => {
        try {
          return await this.options.probes[dependency]();
        } catch (error) {
          throw new DependencyUnavailableError(dependency, { cause: error });
        }
      });
    } catch {
      // Still down: the failed probe re-opened the breaker, which half-opens again after resetTimeout.
    }
  }

  private changed(dependency: Dependency, state: BreakerState): void {
    const wasAvailable = this.available;
    if (state === 'open' || state === 'half-open') this.open.add(dependency);
    else this.open.delete(dependency);
    this.options.onStateChange?.(dependency, state);
    if (state === 'closed') this.logger.log({ dependency }, `${dependency} is back: resuming consumption`);
    if (wasAvailable !== this.available) this.options.onAvailabilityChange?.(this.available);
  }
}

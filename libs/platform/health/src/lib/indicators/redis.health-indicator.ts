import { explainRedisConnectionFailure } from '@opal/platform-errors';
import { messageOf } from '../deadline';
import { HEALTH_KEYS } from '../health.constants';
import { DependencyHealthIndicator, type ProbeDetails } from './dependency.health-indicator';

/** What the indicator needs of an ioredis client (`Redis` or `Cluster`). */
export interface RedisPingClient {
  readonly status: string;
  ping(): Promise<unknown>;
  /** ioredis' own settings: whether it speaks TLS and as which user, for naming a refusal; Sentinels if it finds the primary through them. */
  readonly options?: { tls?: unknown; username?: string; sentinels?: unknown };
  /** The socket to the node it talks to: under Sentinel, the primary it found. */
  readonly stream?: { remoteAddress?: string; remotePort?: number };
  /** True for an ioredis `Cluster`, whose primaries `nodes('master')` lists. */
  readonly isCluster?: boolean;
  nodes?(role: 'master'): ReadonlyArray<{ readonly options: { host?: string; port?: number }; ping(): Promise<unknown> }>;
  /** ioredis reports why a connection attempt failed only as an `error` event. */
  on?(event: 'error', listener: (error: Error) => void): unknown;
  once?(event: 'ready' | 'error', listener: (error?: Error) => void): unknown;
  off?(event: 'ready' | 'error', listener: (error?: Error) => void): unknown;
}

export interface RedisHealthIndicatorOptions {
  key?: string;
  timeoutMs?: number;
}

/** ioredis states of a connection known to be broken: answering at once beats waiting out the deadline. */
const BROKEN_STATES = new Set(['close', 'reconnecting', 'end']);
/** ioredis states before the first `ready`: a command now would fail without the offline queue. */
const OPENING_STATES = new Set(['wait', 'connecting', 'connect']);

/**
 * Redis readiness: `PING` on the app's own client. A client still connecting gets the deadline
 * to finish (start-up); one that lost its connection is down at once, with the last reason its
 * connection failed (a refused password, an untrusted certificate) when there is one.
 */
export class RedisHealthIndicator extends DependencyHealthIndicator {
  private lastConnectionError?: Error;

  constructor(
    private readonly redis: RedisPingClient,
    options: RedisHealthIndicatorOptions = {},
  ) {
    super(options.key ?? HEALTH_KEYS.redis, options.timeoutMs);
    redis.on?.('error', (error) => {
      // Reported for the commands a dropped connection failed, after the connection's own error.
      if (error.name !== 'MaxRetriesPerRequestError') this.lastConnectionError = error;
    });
  }

  /**
   * Under Sentinel, up names the topology and the primary answering now (it changes on a
   * failover); on a Cluster, every primary must answer (each owns a share of the keys) and up
   * names them; a single node adds nothing.
   */
  protected async probe(): Promise<ProbeDetails | void> {
    if (BROKEN_STATES.has(this.redis.status)) {
      const reason = this.lastConnectionError ? `: ${this.describeFailure(this.lastConnectionError)}` : '';
      throw new Error(`Redis connection is ${this.redis.status}${reason}`);
    }
    if (OPENING_STATES.has(this.redis.status)) await this.opened();
    if (this.redis.isCluster && this.redis.nodes) return this.probeCluster(this.redis.nodes('master'));
    await this.redis.ping();
    this.lastConnectionError = undefined;
    if (!this.redis.options?.sentinels) return;
    const { remoteAddress, remotePort } = this.redis.stream ?? {};
    return { topology: 'sentinel', ...(remoteAddress && remotePort ? { primary: `${remoteAddress}:${remotePort}` } : {}) };
  }

  private async probeCluster(primaries: ReturnType<NonNullable<RedisPingClient['nodes']>>): Promise<ProbeDetails> {
    if (primaries.length === 0) throw new Error('the Redis Cluster client knows no primary');
    await Promise.all(primaries.map((primary) => primary.ping()));
    this.lastConnectionError = undefined;
    return { topology: 'cluster', primaries: primaries.map(({ options }) => `${options.host}:${options.port}`).sort() };
  }

  /** Resolves on the client's `ready`, rejects with the reason its connection attempt failed (within the probe's deadline). */
  private opened(): Promise<void> {
    const { once, off } = this.redis;
    if (!once || !off) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const ready = () => {
        off.call(this.redis, 'error', failed);
        resolve();
      };
      const failed = (error?: Error) => {
        off.call(this.redis, 'ready', ready);
        reject(error ?? new Error('Redis connection failed'));
      };
      once.call(this.redis, 'ready', ready);
      once.call(this.redis, 'error', failed);
    });
  }

  protected override describeFailure(error: unknown): string {
    return explainRedisConnectionFailure(error, this.redis.options ?? {}) ?? messageOf(error);
  }
}

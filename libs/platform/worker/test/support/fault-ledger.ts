import type { Redis } from 'ioredis';

/** One handler invocation: which process ran which event. */
export interface Invocation {
  pid: number;
  eventId: string;
}

/** Everything the probe handlers wrote, read at one moment. */
export interface LedgerSnapshot {
  /** Every handler invocation, in order, across every process of the run. */
  invocations: Invocation[];
  /** event id → handler invocations (a re-run counts again). */
  runs: Map<string, number>;
  /** event id → invocations that reached the effect step. */
  finished: Map<string, number>;
  /** event id → pid of the process whose write was applied (first write wins). */
  effects: Map<string, number>;
  /** event id → start time (epoch ms) of invocations still in their delay: started, no effect yet. */
  inFlight: Map<string, number>;
}

/**
 * The probe handlers' record of what they did, kept in Redis under one prefix so it survives a
 * SIGKILL of the process that wrote it. The worker writes it (`started`, `finished`); the test
 * reads it (`snapshot`). The effect is first-write-wins keyed by event id, as the real handlers'
 * writes are, so a re-run never applies an effect twice but stays visible in `runs`.
 */
export class FaultLedger {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(name: 'invocations' | 'runs' | 'finished' | 'effects' | 'in-flight'): string {
    return `${this.prefix}:${name}`;
  }

  async started(eventId: string, pid: number, at = Date.now()): Promise<void> {
    await this.redis
      .multi()
      .rpush(this.key('invocations'), `${pid} ${eventId}`)
      .hincrby(this.key('runs'), eventId, 1)
      .zadd(this.key('in-flight'), at, eventId)
      .exec();
  }

  async finished(eventId: string, pid: number): Promise<void> {
    await this.redis
      .multi()
      .hsetnx(this.key('effects'), eventId, String(pid))
      .hincrby(this.key('finished'), eventId, 1)
      .zrem(this.key('in-flight'), eventId)
      .exec();
  }

  async effectCount(): Promise<number> {
    return this.redis.hlen(this.key('effects'));
  }

  /** Ids whose handler started at or after `since` (epoch ms) and has not reached its effect yet. */
  async inFlightSince(since: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.key('in-flight'), since, '+inf');
  }

  async snapshot(): Promise<LedgerSnapshot> {
    const [invocations, runs, finished, effects, inFlight] = await Promise.all([
      this.redis.lrange(this.key('invocations'), 0, -1),
      this.redis.hgetall(this.key('runs')),
      this.redis.hgetall(this.key('finished')),
      this.redis.hgetall(this.key('effects')),
      this.redis.zrange(this.key('in-flight'), 0, -1, 'WITHSCORES'),
    ]);
    const inFlightById = new Map<string, number>();
    for (let i = 0; i < inFlight.length; i += 2) inFlightById.set(inFlight[i] as string, Number(inFlight[i + 1]));
    return {
      invocations: invocations.map((entry) => {
        const [pid, eventId] = entry.split(' ');
        return { pid: Number(pid), eventId: eventId as string };
      }),
      runs: numericValues(runs),
      finished: numericValues(finished),
      effects: numericValues(effects),
      inFlight: inFlightById,
    };
  }

  async clear(): Promise<void> {
    await this.redis.del(
      this.key('invocations'),
      this.key('runs'),
      this.key('finished'),
      this.key('effects'),
      this.key('in-flight'),
    );
  }
}

function numericValues(hash: Record<string, string>): Map<string, number> {
  return new Map(Object.entries(hash).map(([field, value]) => [field, Number(value)]));
}

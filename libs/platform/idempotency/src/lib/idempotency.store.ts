import { randomUUID } from 'node:crypto';
import { ReplyError } from 'ioredis';
import { DEFAULT_TIMEOUT_MS } from './idempotency.constants';
import { toCheckResult } from './idempotency.check';
import {
  IdempotencyStoreUnavailableError,
  type IdempotencyOperation,
  type IdempotencyUnavailableReason,
} from './idempotency.errors';
import { idempotencyKey } from './idempotency.key';
import { isRedisCluster, type RedisClient } from './redis/idempotency-redis.options';
import { CLAIM_SCRIPT, COMPLETE_SCRIPT, COUNT_SCRIPT, QUOTA_CLAIM_SCRIPT, RELEASE_SCRIPT, SCRIPT_COMMANDS } from './idempotency.scripts';
import type {
  FixedWindowQuota,
  IdempotencyCheckResult,
  IdempotencyClaim,
  IdempotencyClaimOptions,
  IdempotencyStoreOptions,
  IdempotencyStorePort,
  QuotaGatedClaim,
} from './idempotency.types';

type ScriptCall = (key: string, ...args: Array<string | number>) => Promise<unknown>;
type ScriptedRedis = RedisClient & Record<(typeof SCRIPT_COMMANDS)[keyof typeof SCRIPT_COMMANDS], ScriptCall>;

/** What a claim script takes: the record's key, the payload's fingerprint, a fresh owner token, the lease. */
interface ClaimArguments {
  redisKey: string;
  fingerprint: string;
  token: string;
  leaseMs: number;
}

/**
 * Idempotency records in Redis (`opal:idempotency:<scope>:<key>`). Every state change is one Lua
 * script over that one key, so one round trip, atomic, and valid on a single node, behind
 * Sentinel or on Redis Cluster alike (only `claimWithinQuota` differs on a Cluster: see there).
 * Every failure of Redis surfaces as `IdempotencyStoreUnavailableError` within `timeoutMs`.
 *
 * ```ts
 * const claim = await store.claim('webhook', deliveryId, { fingerprint, leaseMs: 30_000 });
 * if (claim.state === 'claimed') {
 *   try { await store.complete('webhook', deliveryId, claim.token, await work()); }
 *   catch (error) { await store.release('webhook', deliveryId, claim.token); throw error; }
 * }
 * ```
 */
export class IdempotencyStore implements IdempotencyStorePort {
  private readonly redis: ScriptedRedis;
  /** A Redis Cluster client: no script may span the record and a quota counter (another slot). */
  private readonly cluster: boolean;
  private readonly ttlSeconds: number;
  private readonly leaseMs: number;
  private readonly timeoutMs: number;
  private connecting: Promise<void> | undefined;

  /**
   * @param client an ioredis client of a single node or Sentinel-watched primary (`Redis`) or of
   *   a Redis Cluster (`Cluster`); the store defines its script commands on it and never closes
   *   it. Give it `idempotencyRedisOptions()` / `idempotencyClusterOptions()` (no offline queue,
   *   no resends) so a command never runs late, after its caller gave up.
   */
  constructor(
    client: RedisClient,
    private readonly options: IdempotencyStoreOptions,
  ) {
    this.ttlSeconds = positiveInteger('ttlSeconds', options.ttlSeconds);
    this.leaseMs = positiveInteger('leaseMs', options.leaseMs);
    this.timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    client.defineCommand(SCRIPT_COMMANDS.claim, { numberOfKeys: 1, lua: CLAIM_SCRIPT });
    client.defineCommand(SCRIPT_COMMANDS.complete, { numberOfKeys: 1, lua: COMPLETE_SCRIPT });
    client.defineCommand(SCRIPT_COMMANDS.release, { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    client.defineCommand(SCRIPT_COMMANDS.quotaClaim, { numberOfKeys: 2, lua: QUOTA_CLAIM_SCRIPT });
    client.defineCommand(SCRIPT_COMMANDS.count, { numberOfKeys: 1, lua: COUNT_SCRIPT });
    this.redis = client as ScriptedRedis;
    this.cluster = isRedisCluster(client);
  }

  /**
   * Takes `key` in `scope` for `leaseMs`, or says why not: `in-flight` (an unexpired lease) or
   * `done` (with the stored result). `sameFingerprint` tells a redelivery from a different payload
   * under the same key. An expired lease is claimed again.
   */
  async claim<TResult = unknown>(
    scope: string,
    key: string,
    options: IdempotencyClaimOptions = {},
  ): Promise<IdempotencyClaim<TResult>> {
    const { redisKey, fingerprint, token, leaseMs } = this.claimArguments(scope, key, options);
    return this.reported(scope, () =>
      this.run('claim', () => this.redis[SCRIPT_COMMANDS.claim](redisKey, fingerprint, token, leaseMs)).then((reply) =>
        parseClaimReply<TResult>(reply, token),
      ),
    );
  }

  /**
   * `claim`, counted against `quota` first: over the limit nothing is claimed (and no check is
   * reported: none was made). Within `timeoutMs` as a whole, with the same replies either way.
   *
   * The record (`opal:idempotency:<scope>:<key>`) and the quota window (the caller's key, e.g.
   * `opal:ratelimit:webhook:<source>:<second>`) cannot share a Redis Cluster hash slot without
   * changing what a key means: the dedupe is per delivery id across sources (a retry signed with
   * a rotated secret counts against another source), while the window is per source. So:
   * - single node / Sentinel: one script (`QUOTA_CLAIM_SCRIPT`) over both keys, one round trip
   *   (a rate-limited gateway's throughput rests on it);
   * - Cluster (a script over two slots fails with CROSSSLOT): two one-key scripts in a row, the
   *   count (`COUNT_SCRIPT`) and, only within the limit, the plain claim (`CLAIM_SCRIPT`). Nothing
   *   needs the two in one transaction: the claim itself stays atomic, and a hit counted whose
   *   claim then fails (or never runs) is what an over-quota hit is already, a counted hit.
   */
  async claimWithinQuota<TResult = unknown>(
    scope: string,
    key: string,
    quota: FixedWindowQuota,
    options: IdempotencyClaimOptions = {},
  ): Promise<QuotaGatedClaim<TResult>> {
    const claim = this.claimArguments(scope, key, options);
    const { redisKey, fingerprint, token, leaseMs } = claim;
    const limit = positiveInteger('quota.limit', quota.limit);
    const ttlMs = positiveInteger('quota.ttlMs', quota.ttlMs);
    const quotaClaim = this.cluster
      ? () => this.countThenClaim(claim, { key: quota.key, limit, ttlMs })
      : () => this.redis[SCRIPT_COMMANDS.quotaClaim](redisKey, quota.key, fingerprint, token, leaseMs, limit, ttlMs);
    return this.reported(scope, () =>
      this.run('claim', quotaClaim).then((reply): QuotaGatedClaim<TResult> => {
        if (Array.isArray(reply) && reply[0] === 'over-quota' && typeof reply[1] === 'number') return { state: 'over-quota', count: reply[1] };
        return parseClaimReply<TResult>(reply, token);
      }),
    );
  }

  /** Counts one hit in `quota`'s window (without claiming anything) and returns the window's count. */
  async countQuota(quota: FixedWindowQuota): Promise<number> {
    const ttlMs = positiveInteger('quota.ttlMs', quota.ttlMs);
    return parseCountReply(await this.run('count', () => this.redis[SCRIPT_COMMANDS.count](quota.key, ttlMs)), 'count');
  }

  /**
   * Stores `result` (as JSON; `undefined` becomes `null`) and marks the record done, expiring
   * after `ttlSeconds` (default: the store's). Returns false, changing nothing, when `token` no
   * longer owns the claim (its lease expired, perhaps taken over by another caller).
   */
  async complete(scope: string, key: string, token: string, result: unknown, ttlSeconds?: number): Promise<boolean> {
    const redisKey = idempotencyKey(scope, key);
    const ttl = positiveInteger('ttlSeconds', ttlSeconds ?? this.ttlSeconds);
    const json = JSON.stringify(result) ?? 'null';
    const reply = await this.run('complete', () => this.redis[SCRIPT_COMMANDS.complete](redisKey, token, json, ttl));
    return reply === 1;
  }

  /** Drops the claim (the work failed) so the next attempt can claim at once; false when `token` no longer owns it. */
  async release(scope: string, key: string, token: string): Promise<boolean> {
    const redisKey = idempotencyKey(scope, key);
    const reply = await this.run('release', () => this.redis[SCRIPT_COMMANDS.release](redisKey, token));
    return reply === 1;
  }

  /**
   * `QUOTA_CLAIM_SCRIPT` as two one-key scripts, for a Cluster (see `claimWithinQuota`), with its
   * reply: `['over-quota', count]` without claiming when over `limit`, else the claim's.
   */
  private async countThenClaim(claim: ClaimArguments, quota: FixedWindowQuota): Promise<unknown> {
    const count = parseCountReply(await this.redis[SCRIPT_COMMANDS.count](quota.key, quota.ttlMs), 'claim');
    if (count > quota.limit) return ['over-quota', count];
    return this.redis[SCRIPT_COMMANDS.claim](claim.redisKey, claim.fingerprint, claim.token, claim.leaseMs);
  }

  private claimArguments(scope: string, key: string, options: IdempotencyClaimOptions): ClaimArguments {
    return {
      redisKey: idempotencyKey(scope, key),
      fingerprint: options.fingerprint ?? '',
      leaseMs: positiveInteger('leaseMs', options.leaseMs ?? this.leaseMs),
      token: randomUUID(),
    };
  }

  /** Runs a claim and reports its outcome (or `error`) to the check hook; a claim refused by its quota was no check. */
  private async reported<TClaim extends QuotaGatedClaim<unknown>>(scope: string, claim: () => Promise<TClaim>): Promise<TClaim> {
    let outcome: TClaim;
    try {
      outcome = await claim();
    } catch (error) {
      this.report(scope, 'error');
      throw error;
    }
    if (outcome.state !== 'over-quota') this.report(scope, toCheckResult(outcome));
    return outcome;
  }

  private async run(operation: IdempotencyOperation, call: () => Promise<unknown>): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new IdempotencyStoreUnavailableError(operation, 'timeout')), this.timeoutMs);
    });
    try {
      return await Promise.race([this.whenConnected().then(call), timeout]);
    } catch (error) {
      if (error instanceof IdempotencyStoreUnavailableError) throw error;
      throw new IdempotencyStoreUnavailableError(operation, unavailableReason(error), { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * While the client is (re)connecting, waits for it — within the call's timeout — instead of
   * failing at once: a client without an offline queue would refuse every command sent before
   * its first `ready`. A client waiting for its next reconnect attempt fails at once.
   */
  private async whenConnected(): Promise<void> {
    const client = this.redis;
    if (client.status !== 'wait' && client.status !== 'connecting' && client.status !== 'connect') return;
    this.connecting ??= new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        client.off('ready', onReady).off('error', onError).off('close', onClose);
        this.connecting = undefined;
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => settle();
      const onError = (error: Error) => settle(error);
      const onClose = () => settle(new Error('Connection is closed.'));
      client.once('ready', onReady).once('error', onError).once('close', onClose);
      if (client.status === 'wait') client.connect().catch(() => undefined);
    });
    return this.connecting;
  }

  private report(scope: string, result: IdempotencyCheckResult): void {
    try {
      this.options.onCheck?.(scope, result);
    } catch {
      // A metrics hook never decides the outcome of a check.
    }
  }
}

function parseClaimReply<TResult>(reply: unknown, token: string): IdempotencyClaim<TResult> {
  if (Array.isArray(reply)) {
    const [state, same, result] = reply as unknown[];
    if (state === 'claimed') return { state: 'claimed', token };
    if (state === 'in-flight') return { state: 'in-flight', sameFingerprint: same === 1 };
    if (state === 'done' && typeof result === 'string') {
      try {
        return { state: 'done', sameFingerprint: same === 1, result: JSON.parse(result) as TResult };
      } catch (error) {
        throw new IdempotencyStoreUnavailableError('claim', 'reply', { cause: error });
      }
    }
  }
  throw new IdempotencyStoreUnavailableError('claim', 'reply', {
    cause: new Error(`unexpected claim reply ${JSON.stringify(reply)}`),
  });
}

/** The window's count a count script answered; anything else is the store failing `operation`. */
function parseCountReply(reply: unknown, operation: IdempotencyOperation): number {
  if (typeof reply !== 'number') {
    throw new IdempotencyStoreUnavailableError(operation, 'reply', { cause: new Error(`unexpected count reply ${JSON.stringify(reply)}`) });
  }
  return reply;
}

function unavailableReason(error: unknown): IdempotencyUnavailableReason {
  if (error instanceof ReplyError) return 'reply';
  if (error instanceof Error && /timed? ?out/i.test(error.message)) return 'timeout';
  return 'connection';
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

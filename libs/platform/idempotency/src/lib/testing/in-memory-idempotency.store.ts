import { randomUUID } from 'node:crypto';
import { toCheckResult } from '../idempotency.check';
import { idempotencyKey } from '../idempotency.key';
import type {
  IdempotencyCheckHook,
  IdempotencyClaim,
  IdempotencyClaimOptions,
  IdempotencyStorePort,
} from '../idempotency.types';

interface MemoryRecord {
  state: 'in-flight' | 'done';
  fingerprint: string;
  token?: string;
  result?: string;
  expiresAt: number;
}

/**
 * `IdempotencyStorePort` in memory, with the Redis store's semantics (leases and TTLs expire on
 * the given clock, results round-trip through JSON). For unit tests of code that takes the port.
 */
export class InMemoryIdempotencyStore implements IdempotencyStorePort {
  /** Live records by Redis key (`opal:idempotency:<scope>:<key>`), for assertions. */
  readonly records = new Map<string, MemoryRecord>();

  constructor(
    private readonly options: {
      ttlSeconds: number;
      leaseMs: number;
      now?: () => number;
      onCheck?: IdempotencyCheckHook;
    },
  ) {}

  async claim<TResult = unknown>(
    scope: string,
    key: string,
    options: IdempotencyClaimOptions = {},
  ): Promise<IdempotencyClaim<TResult>> {
    const id = idempotencyKey(scope, key);
    const fingerprint = options.fingerprint ?? '';
    const record = this.live(id);
    let claim: IdempotencyClaim<TResult>;
    if (!record) {
      const token = randomUUID();
      const leaseMs = options.leaseMs ?? this.options.leaseMs;
      this.records.set(id, { state: 'in-flight', fingerprint, token, expiresAt: this.now() + leaseMs });
      claim = { state: 'claimed', token };
    } else {
      const sameFingerprint = record.fingerprint === fingerprint;
      claim =
        record.state === 'done'
          ? { state: 'done', sameFingerprint, result: JSON.parse(record.result ?? 'null') as TResult }
          : { state: 'in-flight', sameFingerprint };
    }
    this.options.onCheck?.(scope, toCheckResult(claim));
    return claim;
  }

  async complete(scope: string, key: string, token: string, result: unknown, ttlSeconds?: number): Promise<boolean> {
    const id = idempotencyKey(scope, key);
    const record = this.live(id);
    if (record?.state !== 'in-flight' || record.token !== token) return false;
    const ttl = ttlSeconds ?? this.options.ttlSeconds;
    this.records.set(id, {
      state: 'done',
      fingerprint: record.fingerprint,
      result: JSON.stringify(result) ?? 'null',
      expiresAt: this.now() + ttl * 1000,
    });
    return true;
  }

  async release(scope: string, key: string, token: string): Promise<boolean> {
    const id = idempotencyKey(scope, key);
    const record = this.live(id);
    if (record?.state !== 'in-flight' || record.token !== token) return false;
    this.records.delete(id);
    return true;
  }

  private live(id: string): MemoryRecord | undefined {
    const record = this.records.get(id);
    if (record && record.expiresAt <= this.now()) {
      this.records.delete(id);
      return undefined;
    }
    return record;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

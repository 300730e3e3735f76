import { Logger } from '@nestjs/common';
import { IdempotencyStoreUnavailableError, type QuotaGatedClaim } from '@opal/platform-idempotency';
import { RedisDeliveryAdmission, type QuotaGatedClaimer } from './redis-delivery.admission';
import { WebhookRateLimiter } from './webhook-rate-limiter';
import { DependencyUnavailableError, type RedisFailMode } from './webhook.ports';

function setup(failMode: RedisFailMode, answer: () => Promise<QuotaGatedClaim<never>>) {
  const rateChecks: string[] = [];
  const calls: Array<{ key: string; quotaKey: string; leaseMs: number | undefined; fingerprint: string | undefined }> = [];
  const store: QuotaGatedClaimer = {
    claimWithinQuota: async (_scope, key, quota, options) => {
      calls.push({ key, quotaKey: quota.key, leaseMs: options?.leaseMs, fingerprint: options?.fingerprint });
      return answer();
    },
  };
  const limiter = new WebhookRateLimiter({ countQuota: async () => 1 }, { limitPerSecond: 3, failMode, onCheck: (result) => rateChecks.push(result) });
  return { admission: new RedisDeliveryAdmission(store, limiter, { leaseMs: 30_000 }), calls, rateChecks, limiter };
}

describe(RedisDeliveryAdmission.name, () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it("should claim the delivery id within the source's quota in one call, counting the rate check as allowed", async () => {
    const { admission, calls, rateChecks, limiter } = setup('closed', async () => ({ state: 'claimed', token: 't-1' }));

    const admitted = await admission.admit('src-1', 'msg_1', 'fp');

    expect(admitted).toEqual({ allowed: true, claim: { state: 'claimed', token: 't-1' } });
    expect(calls).toEqual([{ key: 'msg_1', quotaKey: limiter.quota('src-1').key, leaseMs: 30_000, fingerprint: 'fp' }]);
    expect(rateChecks).toEqual(['allowed']);
  });

  it('should pass a redelivery through as the claim the store found', async () => {
    const { admission } = setup('closed', async () => ({ state: 'in-flight', sameFingerprint: false }));

    expect(await admission.admit('src-1', 'msg_1', 'fp')).toEqual({ allowed: true, claim: { state: 'in-flight', sameFingerprint: false } });
  });

  it('should refuse past the quota with a one-second retry, counting the check as limited', async () => {
    const { admission, rateChecks } = setup('closed', async () => ({ state: 'over-quota', count: 4 }));

    expect(await admission.admit('src-1', 'msg_1', 'fp')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(rateChecks).toEqual(['limited']);
  });

  it('should answer 503 (a Redis DependencyUnavailableError) with Redis down in fail-closed mode', async () => {
    const { admission, rateChecks } = setup('closed', () => Promise.reject(new IdempotencyStoreUnavailableError('claim', 'connection')));

    const refusal = await admission.admit('src-1', 'msg_1', 'fp').catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(DependencyUnavailableError);
    expect((refusal as DependencyUnavailableError).dependency).toBe('redis');
    expect(rateChecks).toEqual(['unavailable']);
  });

  it('should let the request through untracked with Redis down in fail-open mode, saying dedupe was skipped', async () => {
    const { admission, rateChecks } = setup('open', () => Promise.reject(new IdempotencyStoreUnavailableError('claim', 'timeout')));

    expect(await admission.admit('src-1', 'msg_1', 'fp')).toEqual({ allowed: true, claim: { state: 'claimed', token: '' } });
    expect(rateChecks).toEqual(['unavailable']);
    expect(warn.mock.calls.map((call) => call[1])).toContain('Redis unavailable: accepting without delivery dedupe (IDEMPOTENCY_FAIL_MODE=open)');
  });

  it('should not mistake a programming error for an outage', async () => {
    const { admission, rateChecks } = setup('open', () => Promise.reject(new RangeError('leaseMs must be a positive integer')));

    await expect(admission.admit('src-1', 'msg_1', 'fp')).rejects.toBeInstanceOf(RangeError);
    expect(rateChecks).toEqual([]);
  });
});

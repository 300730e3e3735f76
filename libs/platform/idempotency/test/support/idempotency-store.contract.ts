import type { IdempotencyStorePort } from '../../src';

export interface ContractSubject {
  store: IdempotencyStorePort;
  /** A scope no other run uses; the contract also uses `${scope}-other`. */
  scope: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every `IdempotencyStorePort` shares, run against the Redis store (int-test) and
 * the in-memory double (unit test), so the double cannot drift from the real thing.
 */
export function describeIdempotencyStoreContract(label: string, subject: () => ContractSubject): void {
  describe(`${label} (store contract)`, () => {
    let counter = 0;
    const nextKey = () => `evt-${++counter}`;

    describe('claim', () => {
      it('should claim an unknown key with a fresh token', async () => {
        const { store, scope } = subject();
        const first = await store.claim(scope, nextKey(), { fingerprint: 'a' });
        const second = await store.claim(scope, nextKey(), { fingerprint: 'a' });

        expect(first).toEqual({ state: 'claimed', token: expect.any(String) });
        expect(second).toEqual({ state: 'claimed', token: expect.any(String) });
        expect(first.state === 'claimed' && second.state === 'claimed' && first.token !== second.token).toBe(true);
      });

      it('should answer in-flight with sameFingerprint for a claimed key', async () => {
        const { store, scope } = subject();
        const key = nextKey();
        await store.claim(scope, key, { fingerprint: 'a' });

        expect(await store.claim(scope, key, { fingerprint: 'a' })).toEqual({
          state: 'in-flight',
          sameFingerprint: true,
        });
        expect(await store.claim(scope, key, { fingerprint: 'b' })).toEqual({
          state: 'in-flight',
          sameFingerprint: false,
        });
      });

      it('should keep scopes apart', async () => {
        const { store, scope } = subject();
        const key = nextKey();

        expect((await store.claim(scope, key)).state).toBe('claimed');
        expect((await store.claim(`${scope}-other`, key)).state).toBe('claimed');
      });

      it('should treat a missing fingerprint as the empty fingerprint', async () => {
        const { store, scope } = subject();
        const key = nextKey();
        await store.claim(scope, key);

        expect(await store.claim(scope, key, { fingerprint: '' })).toEqual({
          state: 'in-flight',
          sameFingerprint: true,
        });
      });

      it('should reject a scope containing ":" before touching the store', async () => {
        const { store, scope } = subject();

        await expect(store.claim(`${scope}:x`, nextKey())).rejects.toBeInstanceOf(TypeError);
      });
    });

    describe('complete', () => {
      it('should make later claims answer done with the stored result', async () => {
        const { store, scope } = subject();
        const key = nextKey();
        const claim = await store.claim(scope, key, { fingerprint: 'a' });
        if (claim.state !== 'claimed') throw new Error('expected a claim');
        const result = { event_id: 'e-1', topic: 'opal.workflow.started', partition: 2, offset: '41' };

        expect(await store.complete(scope, key, claim.token, result, 60)).toBe(true);
        expect(await store.claim(scope, key, { fingerprint: 'a' })).toEqual({
          state: 'done',
          sameFingerprint: true,
          result,
        });
        expect(await store.claim(scope, key, { fingerprint: 'b' })).toEqual({
          state: 'done',
          sameFingerprint: false,
          result,
        });
      });

      it('should store undefined as null', async () => {
        const { store, scope } = subject();
        const key = nextKey();
        const claim = await store.claim(scope, key);
        if (claim.state !== 'claimed') throw new Error('expected a claim');
        await store.complete(scope, key, claim.token, undefined);

        expect(await store.claim(scope, key)).toEqual({ state: 'done', sameFingerprint: true, result: null });
      });

      it('should refuse a token that does not own the claim, and a second completion', async () => {
        const { store, scope } = subject();
        const key = nextKey();
        const claim = await store.claim(scope, key);
        if (claim.state !== 'claimed') throw new Error('expected a claim');

        expect(await store.complete(scope, key, 'not-the-token', { x: 1 })).toBe(false);
        expect(await store.claim(scope, key)).toEqual({ state: 'in-flight', sameFingerprint: true });
        expect(await store.complete(scope, key, claim.token, { x: 2 })).toBe(true);
        expect(await store.complete(scope, key, claim.token, { x: 3 })).toBe(false);
        expect(await store.claim(scope, key)).toEqual({ state: 'done', sameFingerprint: true, result: { x: 2 } });
      });

      it('should return false for a key nobody claimed', async () => {
        const { store, scope } = subject();

        expect(await store.complete(scope, nextKey(), 'token', {})).toBe(false);
      });
    });

    describe('release', () => {
      it('should let the next claim succeed', async () => {
        const { store, scope } = subject();
        const key = nextKey();
        const claim = await store.claim(scope, key, { fingerprint: 'a' });
        if (claim.state !== 'claimed') throw new Error('expected a claim');

        expect(await store.release(scope, key, claim.token)).toBe(true);
        expect(await store.claim(scope, key, { fingerprint: 'b' })).toEqual({
          state: 'claimed',
          token: expect.any(String),
        });
      });

      it('should leave a claim it does not own, and a done record, in place', async () => {
        const { store, scope } = subject();
        const key = nextKey();
        const claim = await store.claim(scope, key);
        if (claim.state !== 'claimed') throw new Error('expected a claim');

        expect(await store.release(scope, key, 'not-the-token')).toBe(false);
        expect((await store.claim(scope, key)).state).toBe('in-flight');
        await store.complete(scope, key, claim.token, 'ok');
        expect(await store.release(scope, key, claim.token)).toBe(false);
        expect((await store.claim(scope, key)).state).toBe('done');
      });
    });

    describe('lease expiry', () => {
      it('should let an expired lease be claimed again and refuse the old owner', async () => {
        const { store, scope } = subject();
        const key = nextKey();
        const crashed = await store.claim(scope, key, { fingerprint: 'a', leaseMs: 200 });
        if (crashed.state !== 'claimed') throw new Error('expected a claim');
        expect((await store.claim(scope, key, { fingerprint: 'a' })).state).toBe('in-flight');

        await sleep(300);
        const recovered = await store.claim(scope, key, { fingerprint: 'a' });

        expect(recovered).toEqual({ state: 'claimed', token: expect.any(String) });
        expect(await store.complete(scope, key, crashed.token, 'late')).toBe(false);
        expect(await store.release(scope, key, crashed.token)).toBe(false);
        expect((await store.claim(scope, key, { fingerprint: 'a' })).state).toBe('in-flight');
        if (recovered.state !== 'claimed') throw new Error('expected a claim');
        expect(await store.complete(scope, key, recovered.token, 'on time')).toBe(true);
        expect(await store.claim(scope, key, { fingerprint: 'a' })).toEqual({
          state: 'done',
          sameFingerprint: true,
          result: 'on time',
        });
      });
    });
  });
}

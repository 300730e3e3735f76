import { describeIdempotencyStoreContract } from '../../../test/support/idempotency-store.contract';
import { InMemoryIdempotencyStore } from './in-memory-idempotency.store';
import { TEST_RECORD_LIFETIMES } from './record-lifetimes';

describe(InMemoryIdempotencyStore.name, () => {
  const store = new InMemoryIdempotencyStore(TEST_RECORD_LIFETIMES);

  describeIdempotencyStoreContract(InMemoryIdempotencyStore.name, () => ({ store, scope: 'unit' }));

  describe('claim', () => {
    it('should expire done records after their TTL on the given clock', async () => {
      let now = 1_000;
      const clocked = new InMemoryIdempotencyStore({ ...TEST_RECORD_LIFETIMES, now: () => now });
      const claim = await clocked.claim('s', 'k');
      if (claim.state !== 'claimed') throw new Error('expected a claim');
      await clocked.complete('s', 'k', claim.token, 'r', 10);

      now += 9_999;
      expect((await clocked.claim('s', 'k')).state).toBe('done');
      now += 1;
      expect((await clocked.claim('s', 'k')).state).toBe('claimed');
    });

    it('should report each outcome to onCheck', async () => {
      const onCheck = jest.fn();
      const hooked = new InMemoryIdempotencyStore({ ...TEST_RECORD_LIFETIMES, onCheck });
      await hooked.claim('s', 'k', { fingerprint: 'a' });
      await hooked.claim('s', 'k', { fingerprint: 'b' });

      expect(onCheck.mock.calls).toEqual([
        ['s', 'claimed'],
        ['s', 'mismatch'],
      ]);
    });
  });
});

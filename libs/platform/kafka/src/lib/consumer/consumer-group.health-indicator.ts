import { DependencyHealthIndicator } from '@opal/platform-health';

/** What the readiness check reads of the consumer. */
export interface ConsumerMembership {
  membership(): { state: 'joined' | 'joining' | 'rebalancing' | 'stopped' | 'crashed'; groupId: string; memberId?: string; partitions: number };
}

/**
 * `consumer` readiness: up while the worker is a member of its consumer group (joined, or
 * rebalancing after having joined); down before it joined, after a crash, or once it stopped.
 */
export class ConsumerGroupHealthIndicator extends DependencyHealthIndicator {
  constructor(private readonly consumer: ConsumerMembership, timeoutMs?: number) {
    super('consumer', timeoutMs);
  }

  protected async probe() {
    const membership = this.consumer.membership();
    if (membership.state !== 'joined' && membership.state !== 'rebalancing')
      throw new Error(`consumer group ${membership.groupId}: ${membership.state}`);
    return { groupId: membership.groupId, memberId: membership.memberId, state: membership.state, assignedPartitions: membership.partitions };
  }
}

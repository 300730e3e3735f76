import { AssignerProtocol } from 'kafkajs';
import type { KafkaSession } from './kafka.session';
import { ConsumerGroupsService } from './consumer-groups.service';

const assignment = (topics: Record<string, number[]>) => AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: topics, userData: Buffer.alloc(0) });

describe(ConsumerGroupsService.name, () => {
  const admin = {
    listGroups: jest.fn(async () => ({ groups: [{ groupId: 'zz-other', protocolType: 'consumer' }, { groupId: 'opal-diagnostics', protocolType: 'consumer' }] })),
    describeGroups: jest.fn(async (ids: string[]) => ({
      groups: ids.map((groupId) => ({
        groupId,
        state: groupId === 'opal-diagnostics' ? 'Stable' : 'Empty',
        protocol: 'RoundRobinAssigner',
        protocolType: 'consumer',
        errorCode: 0,
        members:
          groupId === 'opal-diagnostics'
            ? [{ memberId: 'm1', clientId: 'diagnostics-worker', clientHost: '/127.0.0.1', memberMetadata: Buffer.alloc(0), memberAssignment: assignment({ 'opal.a': [0, 1] }) }]
            : [],
      })),
    })),
    fetchOffsets: jest.fn(async ({ groupId }: { groupId: string }) =>
      groupId === 'opal-diagnostics' ? [{ topic: 'opal.a', partitions: [{ partition: 0, offset: '7', metadata: null }, { partition: 1, offset: '-1', metadata: null }] }] : [],
    ),
    fetchTopicOffsets: jest.fn(async () => [
      { partition: 0, high: '10', low: '0', offset: '10' },
      { partition: 1, high: '5', low: '2', offset: '5' },
      { partition: 2, high: '9', low: '0', offset: '9' },
    ]),
  };
  const service = new ConsumerGroupsService({ get: async () => ({ admin }) } as unknown as KafkaSession);

  describe('groups', () => {
    it("should list OPAL's groups first, with members, assignments and lag per held or committed partition", async () => {
      const [diagnostics, recommendations, other] = await service.groups();

      expect([diagnostics?.groupId, recommendations?.groupId, other?.groupId]).toEqual(['opal-diagnostics', 'opal-recommendations', 'zz-other']);
      expect(diagnostics?.members).toEqual([{ memberId: 'm1', clientId: 'diagnostics-worker', host: '/127.0.0.1', partitions: ['opal.a:0', 'opal.a:1'] }]);
      // Partition 1 is held but never committed: its lag counts from the earliest record still held.
      expect(diagnostics?.partitions).toEqual([
        { topic: 'opal.a', partition: 0, committed: '7', end: '10', lag: 3, owner: 'diagnostics-worker' },
        { topic: 'opal.a', partition: 1, committed: null, end: '5', lag: 3, owner: 'diagnostics-worker' },
      ]);
      expect(diagnostics?.totalLag).toBe(6);
      expect(admin.fetchTopicOffsets).toHaveBeenCalledTimes(1);
    });
  });
});

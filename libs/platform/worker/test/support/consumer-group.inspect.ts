import { AssignerProtocol, type Admin } from 'kafkajs';

export interface GroupMemberView {
  clientId: string;
  memberId: string;
  /** Partitions of `topic` the broker assigned to this member, ascending. */
  partitions: number[];
}

export interface GroupView {
  state: string;
  members: GroupMemberView[];
}

/** The group as the coordinator sees it, with each member's assignment decoded (kafkajs' own protocol). */
export async function describeGroup(admin: Admin, groupId: string, topic: string): Promise<GroupView> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  if (!group) return { state: 'Dead', members: [] };
  return {
    state: group.state,
    members: group.members.map((member) => {
      const decoded =
        member.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
      return {
        clientId: member.clientId,
        memberId: member.memberId,
        partitions: [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b),
      };
    }),
  };
}

export interface PartitionProgress {
  partition: number;
  /** The group's committed offset (the next record to read), -1 when none. */
  committed: bigint;
  /** The partition's high watermark. */
  end: bigint;
}

/** Committed offset beside the end offset, per partition. */
export async function partitionProgress(admin: Admin, groupId: string, topic: string): Promise<PartitionProgress[]> {
  const [[offsets], ends] = await Promise.all([
    admin.fetchOffsets({ groupId, topics: [topic] }),
    admin.fetchTopicOffsets(topic),
  ]);
  return ends
    .map((end) => ({
      partition: end.partition,
      committed: BigInt(offsets?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1'),
      end: BigInt(end.high),
    }))
    .sort((a, b) => a.partition - b.partition);
}

/** Records ever written to `topic` (sum of high watermarks; the topics here are never compacted or truncated). */
export async function recordCount(admin: Admin, topic: string): Promise<number> {
  const ends = await admin.fetchTopicOffsets(topic);
  return ends.reduce((sum, end) => sum + Number(end.high), 0);
}

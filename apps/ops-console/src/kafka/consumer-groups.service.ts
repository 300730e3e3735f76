import { Injectable } from '@nestjs/common';
import { AssignerProtocol, type Admin, type GroupDescription } from 'kafkajs';
import { CONSUMER_GROUPS } from '@opal/contracts';
import { KafkaSession } from './kafka.session';

export interface GroupMemberView {
  memberId: string;
  clientId: string;
  host: string;
  /** `topic:partition` it holds. */
  partitions: string[];
}

export interface PartitionLagView {
  topic: string;
  partition: number;
  /** The next offset the group will read; null before its first commit on the partition. */
  committed: string | null;
  end: string;
  lag: number;
  /** clientId of the member holding the partition, if any. */
  owner: string | null;
}

export interface GroupView {
  groupId: string;
  state: string;
  /** One of OPAL's worker groups (CONSUMER_GROUPS), listed first. */
  known: boolean;
  members: GroupMemberView[];
  partitions: PartitionLagView[];
  totalLag: number;
}

const KNOWN_GROUPS: readonly string[] = Object.values(CONSUMER_GROUPS);

/** Members, assignments, committed offsets and lag of every consumer group, OPAL's own first. */
@Injectable()
export class ConsumerGroupsService {
  constructor(private readonly kafka: KafkaSession) {}

  async groups(): Promise<GroupView[]> {
    const { admin } = await this.kafka.get();
    const { groups } = await admin.listGroups();
    const ids = groups.filter((group) => group.protocolType === 'consumer' || group.protocolType === '').map((group) => group.groupId);
    const wanted = [...new Set([...KNOWN_GROUPS, ...ids])];
    const { groups: described } = await admin.describeGroups(wanted);
    const endOffsets = new EndOffsets(admin);
    const views = await Promise.all(described.map((group) => this.view(admin, group, endOffsets)));
    return views.sort((a, b) => Number(b.known) - Number(a.known) || a.groupId.localeCompare(b.groupId));
  }

  /** The committed offset of `group` on one partition; null before its first commit there. */
  async committedOffset(groupId: string, topic: string, partition: number): Promise<string | null> {
    const { admin } = await this.kafka.get();
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const offset = entry?.partitions.find((candidate) => candidate.partition === partition)?.offset;
    return offset === undefined || offset === '-1' ? null : offset;
  }

  private async view(admin: Admin, group: GroupDescription, endOffsets: EndOffsets): Promise<GroupView> {
    const owners = new Map<string, string>();
    const members = group.members.map((member) => {
      const assignment = member.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
      const partitions = Object.entries(assignment?.assignment ?? {}).flatMap(([topic, numbers]) =>
        numbers.map((partition) => `${topic}:${partition}`),
      );
      for (const at of partitions) owners.set(at, member.clientId);
      return { memberId: member.memberId, clientId: member.clientId, host: member.clientHost, partitions: partitions.sort() };
    });
    const committed = new Map<string, string>();
    for (const { topic, partitions: offsets } of await admin.fetchOffsets({ groupId: group.groupId }))
      for (const { partition, offset } of offsets) if (offset !== '-1') committed.set(`${topic}:${partition}`, offset);
    // A partition the group holds but never committed on is shown too: that is where lag hides.
    const topics = new Set([...committed.keys(), ...owners.keys()].map((at) => at.slice(0, at.lastIndexOf(':'))));
    const partitions: PartitionLagView[] = [];
    for (const topic of topics) {
      const ends = await endOffsets.of(topic);
      for (const [partition, { high, low }] of ends) {
        const at = committed.get(`${topic}:${partition}`) ?? null;
        const owner = owners.get(`${topic}:${partition}`) ?? null;
        if (at === null && owner === null) continue;
        partitions.push({ topic, partition, committed: at, end: high, lag: Math.max(0, Number(high) - Number(at ?? low)), owner });
      }
    }
    partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    return {
      groupId: group.groupId,
      state: group.state,
      known: KNOWN_GROUPS.includes(group.groupId),
      members,
      partitions,
      totalLag: partitions.reduce((sum, row) => sum + row.lag, 0),
    };
  }
}

/** End offsets fetched once per topic for one page, however many groups read the topic. */
class EndOffsets {
  private readonly byTopic = new Map<string, Promise<Map<number, { high: string; low: string }>>>();

  constructor(private readonly admin: Admin) {}

  of(topic: string): Promise<Map<number, { high: string; low: string }>> {
    let ends = this.byTopic.get(topic);
    if (!ends) {
      ends = this.admin
        .fetchTopicOffsets(topic)
        .then((offsets) => new Map(offsets.map(({ partition, high, low }) => [partition, { high, low }])))
        // A topic deleted since the group committed on it has no end to measure against.
        .catch(() => new Map<number, { high: string; low: string }>());
      this.byTopic.set(topic, ends);
    }
    return ends;
  }
}

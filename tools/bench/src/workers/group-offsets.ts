import type { Admin, Kafka } from 'kafkajs';

const JOIN_TIMEOUT_MS = 30_000;

/** One position per topic-partition: an end offset, or a group's committed offset (the next record it reads). */
export interface PartitionPosition {
  topic: string;
  partition: number;
  offset: number;
}

const keyOf = (position: { topic: string; partition: number }) => `${position.topic}/${position.partition}`;

/** Each partition's end offset (the offset the next record written will get). */
export async function endOffsets(admin: Admin, topics: readonly string[]): Promise<PartitionPosition[]> {
  const perTopic = await Promise.all(
    topics.map(async (topic) =>
      (await admin.fetchTopicOffsets(topic)).map((p) => ({ topic, partition: p.partition, offset: Number(p.high) })),
    ),
  );
  return perTopic.flat();
}

/** Each partition's earliest retained offset: where a group without a commit starts (`fromBeginning`). */
export async function startOffsets(admin: Admin, topics: readonly string[]): Promise<PartitionPosition[]> {
  const perTopic = await Promise.all(
    topics.map(async (topic) =>
      (await admin.fetchTopicOffsets(topic)).map((p) => ({ topic, partition: p.partition, offset: Number(p.low) })),
    ),
  );
  return perTopic.flat();
}

/** The group's committed offsets; `null` where it never committed. */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<Array<Omit<PartitionPosition, 'offset'> & { offset: number | null }>> {
  const answer = await admin.fetchOffsets({ groupId, topics: [...topics] });
  return answer.flatMap(({ topic, partitions }) =>
    partitions.map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) < 0 ? null : Number(p.offset) })),
  );
}

/** Records from `from` up to (not including) `to`, summed over the partitions both name. */
export function recordsBetween(from: readonly PartitionPosition[], to: readonly PartitionPosition[]): number {
  const start = new Map(from.map((p) => [keyOf(p), p.offset]));
  return to.reduce((sum, p) => sum + Math.max(0, p.offset - (start.get(keyOf(p)) ?? p.offset)), 0);
}

/**
 * How far a group got between `start` and `end`: per partition its committed offset clamped into
 * [start, end], minus start. A partition it never committed counts as not started.
 */
export function progressBetween(
  committed: ReadonlyArray<{ topic: string; partition: number; offset: number | null }>,
  start: readonly PartitionPosition[],
  end: readonly PartitionPosition[],
): number {
  const now = new Map(committed.map((p) => [keyOf(p), p.offset]));
  const from = new Map(start.map((p) => [keyOf(p), p.offset]));
  return end.reduce((sum, p) => {
    const first = from.get(keyOf(p)) ?? p.offset;
    const at = Math.min(Math.max(now.get(keyOf(p)) ?? first, first), p.offset);
    return sum + (at - first);
  }, 0);
}

/** Records on `topics` the group has not consumed yet (from its commit, or the earliest offset without one). */
export async function unconsumedRecords(admin: Admin, groupId: string, topics: readonly string[]): Promise<number> {
  const earliest = new Map((await startOffsets(admin, topics)).map((p) => [keyOf(p), p.offset]));
  const committed = (await committedOffsets(admin, groupId, topics)).map((p) => ({
    ...p,
    offset: p.offset ?? earliest.get(keyOf(p)) ?? 0,
  }));
  return recordsBetween(committed, await endOffsets(admin, topics));
}

/** Members of the group right now (Kafka lets offsets be set only on a group without any). */
export async function groupMembers(admin: Admin, groupId: string): Promise<{ state: string; clientIds: string[] }> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  return { state: group?.state ?? 'Dead', clientIds: (group?.members ?? []).map((m) => m.clientId) };
}

/** Fails with what to do when a consumer of the group is running: its offsets cannot be moved under it. */
export async function assertGroupEmpty(admin: Admin, groupId: string, whoRunsIt: string): Promise<void> {
  const { clientIds } = await groupMembers(admin, groupId);
  if (clientIds.length === 0) return;
  throw new Error(
    `consumer group "${groupId}" has ${clientIds.length} running member(s) (client ids: ${clientIds.join(', ')}). ` +
      `Stop every ${whoRunsIt} first (npm run down stops the dev stack's apps): the bench moves the group's ` +
      'committed offsets, which Kafka allows only while the group is empty.',
  );
}

/**
 * Commits `positions` for the (empty) group in one go. kafkajs' `admin.setOffsets` does the same
 * per topic but waits out a full fetch (5 s) each time; here a paused member joins, commits every
 * partition at once and leaves. It never resolves or auto-commits anything of its own.
 */
export async function commitGroupOffsets(
  kafka: Kafka,
  groupId: string,
  positions: readonly PartitionPosition[],
): Promise<void> {
  const topics = [...new Set(positions.map((p) => p.topic))];
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  const joinTimeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`could not join consumer group "${groupId}" within ${JOIN_TIMEOUT_MS / 1000} s`)),
      JOIN_TIMEOUT_MS,
    );
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    consumer.pause(topics.map((topic) => ({ topic })));
    await Promise.race([joined, joinTimeout]);
    await consumer.commitOffsets(
      positions.map((p) => ({ topic: p.topic, partition: p.partition, offset: String(p.offset) })),
    );
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}

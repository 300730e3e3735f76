import { topicOf } from '@opal/contracts';
import type { TappedRecord } from '@opal/platform-kafka/testing';
import type { Admin } from 'kafkajs';

export const DIAGNOSTICS_GROUP = 'opal-diagnostics';
export const RECOMMENDATIONS_GROUP = 'opal-recommendations';
export const AGENT_TOPIC = topicOf('agent.completed');
export const DECISION_TOPIC = topicOf('decision.generated');

/** Which worker consumes which of the topics the load writes. */
export const CONSUMERS = [
  { group: DIAGNOSTICS_GROUP, topic: AGENT_TOPIC },
  { group: DIAGNOSTICS_GROUP, topic: DECISION_TOPIC },
  { group: RECOMMENDATIONS_GROUP, topic: DECISION_TOPIC },
] as const;

/** Distinct event ids per topic among the tapped records, and how many records repeated one. */
export function eventIdsByTopic(records: TappedRecord[]): { ids: Map<string, Set<string>>; repeatedRecords: number } {
  const ids = new Map<string, Set<string>>();
  let repeatedRecords = 0;
  for (const record of records) {
    const eventId = record.headers['event_id'];
    if (!eventId) throw new Error(`${record.topic}[${record.partition}]@${record.offset} has no event_id header`);
    const seen = ids.get(record.topic) ?? new Set<string>();
    if (seen.has(eventId)) repeatedRecords++;
    seen.add(eventId);
    ids.set(record.topic, seen);
  }
  return { ids, repeatedRecords };
}

/** Distinct agent results per workflow (the record key) among the tapped records. */
export function agentResultsPerWorkflow(records: TappedRecord[]): Record<string, number> {
  const perWorkflow = new Map<string, Set<string>>();
  for (const record of records.filter((r) => r.topic === AGENT_TOPIC)) {
    const workflow = record.key as string;
    perWorkflow.set(workflow, (perWorkflow.get(workflow) ?? new Set()).add(record.headers['event_id'] as string));
  }
  return Object.fromEntries([...perWorkflow].map(([workflow, events]) => [workflow, events.size]));
}

/** A group is caught up when its committed offsets reach the end of every partition of `topics`. */
export async function groupCaughtUp(admin: Admin, groupId: string, topics: string[]): Promise<boolean> {
  const committed = await admin.fetchOffsets({ groupId, topics });
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const done = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
    for (const end of ends) {
      const offset = done.find((p) => p.partition === end.partition)?.offset ?? '-1';
      if (BigInt(end.high) > 0n && BigInt(offset) < BigInt(end.high)) return false;
    }
  }
  return true;
}

/** Runs `task` over `items`, `concurrency` at a time. */
export async function inBatches<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += concurrency)
    results.push(...(await Promise.all(items.slice(i, i + concurrency).map(task))));
  return results;
}

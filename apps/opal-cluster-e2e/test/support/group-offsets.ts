import { eventually } from '@opal/platform-runtime/testing';
import { AGENT_TOPIC, DECISION_TOPIC, DIAGNOSTICS_GROUP, RECOMMENDATIONS_GROUP } from './applied-once';
import type { Admin } from 'kafkajs';

/** A group's committed offsets on `topic`, summed over partitions: what a held-back commit leaves unchanged. */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/** `topic`'s end offsets, summed over partitions. */
export async function endOffsets(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
}

/**
 * The commits a Redis failover test watches: the diagnostics group on the agent and decision
 * topics, and the recommendations group on the decision topic.
 */
export const workerCommits = (admin: Admin): Promise<number[]> =>
  Promise.all([
    committedOffsets(admin, DIAGNOSTICS_GROUP, AGENT_TOPIC),
    committedOffsets(admin, DIAGNOSTICS_GROUP, DECISION_TOPIC),
    committedOffsets(admin, RECOMMENDATIONS_GROUP, DECISION_TOPIC),
  ]);

/** What the workers committed while the promoted primary had no replica, and how soon they resumed once it had one. */
export interface HeldCommits {
  heldFrom: number[];
  heldUntil: number[];
  /** The agent topic's end offset at the end of the hold: events kept arriving. */
  agentTopicEnd: number;
  commitsResumedAfterRestartMs: number;
}

/**
 * Watches `workerCommits` for `holdMs` while the promoted primary has no replica, then `restart`s
 * the killed node (it comes back as the promoted one's replica) and waits until every watched
 * commit moves again.
 */
export async function watchHeldCommits(admin: Admin, holdMs: number, restart: () => Promise<unknown>): Promise<HeldCommits> {
  const heldFrom = await workerCommits(admin);
  await new Promise((resolve) => setTimeout(resolve, holdMs));
  const heldUntil = await workerCommits(admin);
  const agentTopicEnd = await endOffsets(admin, AGENT_TOPIC);
  const restartedAt = Date.now();
  await restart();
  const moved = (now: number[]) => now.every((offset, i) => offset > (heldUntil[i] as number));
  await eventually(() => workerCommits(admin), moved, 90_000, 200);
  return { heldFrom, heldUntil, agentTopicEnd, commitsResumedAfterRestartMs: Date.now() - restartedAt };
}

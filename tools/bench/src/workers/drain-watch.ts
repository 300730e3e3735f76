import { performance } from 'node:perf_hooks';
import type { Admin } from 'kafkajs';
import {
  committedOffsets,
  groupMembers,
  progressBetween,
  recordsBetween,
  unconsumedRecords,
  type PartitionPosition,
} from './group-offsets';
import { sleep } from './interruptible';

/** Polled this often: the drain times below are exact to about this plus one admin round trip. */
export const DRAIN_POLL_MS = 20;
const PROGRESS_EVERY_MS = 1_000;
const CATCH_UP_POLL_MS = 200;

export interface DrainTarget {
  label: string;
  groupId: string;
  topics: readonly string[];
  /** The group's committed offsets when it starts… */
  start: readonly PartitionPosition[];
  /** …and the end offsets it has drained once it committed them. */
  end: readonly PartitionPosition[];
}

/** Times on the `performance.now()` clock, in ms, as observed by polling the broker. */
export interface DrainTiming {
  events: number;
  /** The group first had a member and was Stable (joined: partitions assigned). */
  joinedAt: number;
  /** The group's committed offsets first moved past the start. */
  firstCommitAt: number;
  /** Records committed at that first movement. */
  committedAtFirstCommit: number;
  /** Committed offsets reached the end offsets on every partition. */
  drainedAt: number;
}

/**
 * Polls the group's membership and committed offsets until they reach `end`, printing progress
 * about once a second. Start it before the consumer, so the join is seen when it happens.
 */
export async function watchDrain(
  admin: Admin,
  target: DrainTarget,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<DrainTiming> {
  const events = recordsBetween(target.start, target.end);
  const started = performance.now();
  let joinedAt: number | undefined;
  let firstCommit: { at: number; committed: number } | undefined;
  let lastPrint = started;

  for (;;) {
    signal.throwIfAborted();
    if (joinedAt === undefined) {
      const { state, clientIds } = await groupMembers(admin, target.groupId);
      if (state === 'Stable' && clientIds.length > 0) joinedAt = performance.now();
    }
    const committed = progressBetween(
      await committedOffsets(admin, target.groupId, target.topics),
      target.start,
      target.end,
    );
    const now = performance.now();
    if (committed > 0 && firstCommit === undefined) {
      firstCommit = { at: now, committed };
      // A consumer can join and commit between two polls: then both happened by now.
      joinedAt ??= now;
    }
    if (committed >= events && joinedAt !== undefined) {
      return {
        events,
        joinedAt,
        firstCommitAt: firstCommit?.at ?? now,
        committedAtFirstCommit: firstCommit?.committed ?? events,
        drainedAt: now,
      };
    }
    if (now - lastPrint >= PROGRESS_EVERY_MS) {
      lastPrint = now;
      const since =
        joinedAt === undefined ? 'not joined yet' : `${Math.round(committed / ((now - joinedAt) / 1000))}/s since join`;
      console.log(
        `  ${target.label.padEnd(24)} ${String(committed).padStart(7)}/${events} committed (${Math.floor((100 * committed) / Math.max(1, events))}%), ${since}`,
      );
    }
    if (now - started > timeoutMs) {
      throw new Error(
        `${target.label} committed ${committed} of ${events} records in ${Math.round(timeoutMs / 1000)} s: it is stuck or far too slow`,
      );
    }
    await sleep(DRAIN_POLL_MS, signal);
  }
}

/** Waits (at most `timeoutMs`) until the group has consumed everything on `topics`; false when it has not by then. */
export async function waitUntilCaughtUp(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  signal: AbortSignal,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if ((await unconsumedRecords(admin, groupId, topics)) === 0) return true;
    await sleep(CATCH_UP_POLL_MS, signal);
  }
  return false;
}

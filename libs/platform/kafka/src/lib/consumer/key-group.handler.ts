import { EventPattern } from '@nestjs/microservices';
import type { HandlerOutcome } from './handler-outcome';

/** The `@EventPattern` extras that mark a handler as taking a key group (`KeyGroupPattern`). */
export const KEY_GROUP_EXTRAS = { opalKeyGroup: true } as const;

/**
 * `@EventPattern(topic)` for a handler that takes every record of one key in a fetched batch at
 * once: its payload is the decoded events in offset order, and it resolves with one
 * `HandlerOutcome` per event, in the same order. Handling a key's records in one call is what lets
 * their Redis work leave in one write instead of one awaited round trip per record. If the call
 * throws, the consumer handles the group's records again one at a time (the handler is then
 * called with a single event), so retries, dead letters and pauses stay per record.
 */
export const KeyGroupPattern = (topic: string): MethodDecorator => EventPattern(topic, KEY_GROUP_EXTRAS);

export function isKeyGroupHandler(handler: { extras?: Record<string, unknown> } | undefined | null): boolean {
  return Object.entries(KEY_GROUP_EXTRAS).every(([name, value]) => handler?.extras?.[name] === value);
}

/**
 * Runs `handle` for every event, each started in order in the same tick, so the Redis command its
 * first step issues is queued on the connection in offset order (Redis then applies them in that
 * order, and ioredis auto-pipelining sends them in one write). Waits for all before resolving or
 * rejecting (with the first failure), so nothing of the group is still running when the consumer
 * falls back to one record at a time.
 */
export async function handleEachInOrder<E>(
  events: readonly E[],
  handle: (event: E) => Promise<HandlerOutcome>,
): Promise<HandlerOutcome[]> {
  const settled = await Promise.allSettled(events.map((event) => handle(event)));
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<HandlerOutcome>).value);
}

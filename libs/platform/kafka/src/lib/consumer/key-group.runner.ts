import { advancePrefix, type KeyedBatchOutcome, type KeyedRecordResult } from './keyed-batch.runner';

export interface KeyGroupRunOptions<M> {
  /** Key groups in flight at once. */
  concurrency: number;
  /** Records with the same key form one group, in offset order. */
  keyOf(message: M): string;
  /** Handles one group (indexes into the batch, ascending); one result per index, in order. */
  processGroup(indexes: readonly number[]): Promise<KeyedRecordResult[]>;
  /** Asked before each group starts; false stops starting new ones (stopping, stale batch, breaker open). */
  canStart(): boolean;
  /** Called once per record, in offset order, as the prefix of done records grows. */
  onPrefixDone(message: M): Promise<void> | void;
  /** Called once each time the prefix grew by one or more records. */
  onPrefixAdvanced?(): Promise<void> | void;
}

/**
 * Runs a batch as key groups: every record of one key is handed over in one call, the groups of
 * different keys run at once. Like `runKeyedBatch`, offsets are only reported for the contiguous
 * prefix of done records, and once a record pauses no new group starts; the groups in flight
 * finish and the batch ends.
 */
export async function runKeyGroups<M>(
  messages: readonly M[],
  options: KeyGroupRunOptions<M>,
): Promise<KeyedBatchOutcome<M>> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const groups = new Map<string, number[]>();
  messages.forEach((message, index) => {
    const key = options.keyOf(message);
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  });
  // Map order is first-seen order: the group holding the earliest record starts first.
  const ready = [...groups.values()];
  const results: Array<KeyedRecordResult | undefined> = new Array(messages.length);
  const running = new Set<Promise<void>>();
  let paused = false;
  let failure: { error: unknown } | undefined;
  let prefix = 0;

  const start = (indexes: number[]) => {
    const settled: Promise<void> = options
      .processGroup(indexes)
      .then(
        (groupResults) => {
          indexes.forEach((index, i) => {
            const result = groupResults[i];
            if (result === 'done') results[index] = 'done';
            else paused = true;
          });
        },
        (error: unknown) => {
          failure ??= { error };
        },
      )
      .finally(() => running.delete(settled));
    running.add(settled);
  };

  for (;;) {
    while (!paused && !failure && running.size < concurrency && ready.length > 0 && options.canStart()) {
      start(ready.shift() as number[]);
    }
    if (running.size === 0) break;
    await Promise.race(running);
    prefix = await advancePrefix(messages, results, prefix, options);
  }
  if (failure) throw failure.error;
  return { paused, resumeFrom: messages[prefix] };
}

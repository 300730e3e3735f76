/** What became of one record: `done` (commit past it) or `paused` (a downstream is down: fetch it again). */
export type KeyedRecordResult = 'done' | 'paused';

export interface KeyedBatchOptions<M> {
  /** Records in flight at once; 1 processes the batch strictly in offset order. */
  concurrency: number;
  /** Records with the same key never run at the same time and run in offset order. */
  keyOf(message: M): string;
  /** `index` is the message's position in the batch. */
  process(message: M, index: number): Promise<KeyedRecordResult>;
  /** Asked before each record starts; false stops starting new ones (stopping, stale batch, breaker open). */
  canStart(): boolean;
  /** Called once per record, in offset order, as the prefix of done records grows. */
  onPrefixDone(message: M): Promise<void> | void;
  /** Called once each time the prefix grew by one or more records (after their `onPrefixDone`). */
  onPrefixAdvanced?(): Promise<void> | void;
}

export interface KeyedBatchOutcome<M> {
  /** A record paused: a downstream is down. */
  paused: boolean;
  /** The first record not done (none when the whole batch is done): where fetching has to resume. */
  resumeFrom?: M;
}

/**
 * Runs one partition's batch with up to `concurrency` records in flight, keeping Kafka's ordering
 * promise where it holds, per key: records of one key run one after the other in offset order,
 * records of different keys overlap. Most of a record's time is spent waiting on Redis and the
 * registry, so overlapping keys is what lets one partition use more than one round trip at a time.
 *
 * Offsets are only ever reported for the contiguous prefix of done records, so a commit never
 * passes a record still running, retrying or paused. Once a record pauses nothing new starts, the
 * records in flight finish, and the batch ends; later records that did finish are fetched again
 * with the paused one and recognised as duplicates.
 */
export async function runKeyedBatch<M>(messages: readonly M[], options: KeyedBatchOptions<M>): Promise<KeyedBatchOutcome<M>> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const results: Array<KeyedRecordResult | undefined> = new Array(messages.length);
  const keys = messages.map((message) => options.keyOf(message));
  const queues = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const queue = queues.get(key);
    if (queue) queue.push(index);
    else queues.set(key, [index]);
  });
  // Indexes whose key is idle, lowest offset first, so the done prefix (and the commit) moves early.
  const ready = [...queues.values()].map((queue) => queue[0] as number).sort((a, b) => a - b);
  const running = new Map<number, Promise<void>>();
  let paused = false;
  let failure: { error: unknown } | undefined;
  let prefix = 0;

  const start = (index: number) => {
    const key = keys[index] as string;
    const settled = options.process(messages[index] as M, index).then(
      (result) => {
        results[index] = result;
        if (result === 'paused') paused = true;
      },
      (error: unknown) => {
        failure ??= { error };
      },
    ).finally(() => {
      running.delete(index);
      const queue = queues.get(key) as number[];
      queue.shift();
      const next = queue[0];
      if (next !== undefined) insertSorted(ready, next);
    });
    running.set(index, settled);
  };

  for (;;) {
    while (!paused && !failure && running.size < concurrency && ready.length > 0 && options.canStart()) {
      start(ready.shift() as number);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
    prefix = await advancePrefix(messages, results, prefix, options);
  }
  if (failure) throw failure.error;
  return { paused, resumeFrom: messages[prefix] };
}

/**
 * Reports the records that extend the unbroken run of done ones from `prefix`, in offset order,
 * then `onPrefixAdvanced` once if any did; returns the new prefix. Shared by both runners, so a
 * commit never passes a record still running, whichever way the batch is run.
 */
export async function advancePrefix<M>(
  messages: readonly M[],
  results: ReadonlyArray<KeyedRecordResult | undefined>,
  prefix: number,
  options: Pick<KeyedBatchOptions<M>, 'onPrefixDone' | 'onPrefixAdvanced'>,
): Promise<number> {
  let next = prefix;
  while (next < messages.length && results[next] === 'done') {
    await options.onPrefixDone(messages[next] as M);
    next += 1;
  }
  if (next > prefix) await options.onPrefixAdvanced?.();
  return next;
}

function insertSorted(sorted: number[], value: number): void {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  sorted.splice(low, 0, value);
}

import type { PartitionMetadata } from 'kafkajs';

/** Fetches one topic's partitions; `undefined` means the topic does not exist. */
export type PartitionsFetcher = (topic: string) => Promise<PartitionMetadata[] | undefined>;

export interface TopicPartitionsCacheOptions {
  maxAgeMs: number;
  unknownTopicMaxAgeMs: number;
  now?: () => number;
}

interface Entry {
  partitions: PartitionMetadata[] | undefined;
  expiresAt: number;
}

/**
 * Partition lists per topic, fetched one topic at a time (so an unknown topic cannot hide the
 * others: kafkajs fails a whole metadata request for one missing topic), shared by concurrent
 * lookups, kept for `maxAgeMs`, and "does not exist" for `unknownTopicMaxAgeMs`.
 */
export class TopicPartitionsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly fetching = new Map<string, Promise<PartitionMetadata[] | undefined>>();
  private readonly now: () => number;

  constructor(private readonly options: TopicPartitionsCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Partitions of each topic (`undefined` for a topic that does not exist), from the cache or
   * `fetch`. Rejects with the first fetch error other than "unknown topic".
   */
  async lookup(
    topics: Iterable<string>,
    fetch: PartitionsFetcher,
  ): Promise<Map<string, PartitionMetadata[] | undefined>> {
    const wanted = [...new Set(topics)];
    const found = await Promise.all(wanted.map((topic) => this.lookupOne(topic, fetch)));
    return new Map(wanted.map((topic, i) => [topic, found[i]]));
  }

  /** Forgets what is known about these topics; the next lookup fetches them again. */
  invalidate(topics: Iterable<string>): void {
    for (const topic of topics) this.entries.delete(topic);
  }

  private lookupOne(topic: string, fetch: PartitionsFetcher): Promise<PartitionMetadata[] | undefined> {
    const entry = this.entries.get(topic);
    if (entry !== undefined && entry.expiresAt > this.now()) return Promise.resolve(entry.partitions);
    let pending = this.fetching.get(topic);
    if (pending === undefined) {
      pending = fetch(topic)
        .then((partitions) => {
          const exists = partitions !== undefined && partitions.length > 0;
          const ttl = exists ? this.options.maxAgeMs : this.options.unknownTopicMaxAgeMs;
          this.entries.set(topic, { partitions: exists ? partitions : undefined, expiresAt: this.now() + ttl });
          return exists ? partitions : undefined;
        })
        .finally(() => this.fetching.delete(topic));
      this.fetching.set(topic, pending);
    }
    return pending;
  }
}

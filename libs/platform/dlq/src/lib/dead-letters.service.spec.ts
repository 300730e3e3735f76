import { DLQ_HEADERS, REPLAY_TARGET_GROUP_HEADER } from '@opal/contracts';
import type { SchemaRegistryClient } from '@opal/platform-schema-registry/client';
import { DeadLetters, type ReplayRequest } from './dead-letters.service';
import { DlqError } from './dlq.errors';
import type { DlqReader, PartitionRange, PartitionWatermarks } from './dlq.reader';
import type { DlqRecord } from './dlq.record';
import type { DlqReplayer, ReplayItem, ReplaySelection, ReplayedRecord } from './dlq.replayer';
import { sampleDeadLetter } from './testing/dead-letter.fixture';

const DLQ = 'opal.workflow.started.dlq';
const OTHER_DLQ = 'opal.agent.completed.dlq';

const letter = (topic: string, partition: number, offset: string, group = 'opal-diagnostics'): DlqRecord => {
  const record = sampleDeadLetter({ topic, partition, offset });
  return { ...record, headers: { ...record.headers, [DLQ_HEADERS.consumerGroup]: Buffer.from(group) } };
};

/** A cluster of topics held in memory: three partitions each, records at the offsets given. */
class FakeReader {
  readonly reads: PartitionRange[][] = [];
  readonly partitionCountsAsked: string[][] = [];
  sourcePartitions = new Map([['opal.workflow.started', 3]]);
  /** Topics `dlqTopics` still lists but that are gone when their watermarks are asked for. */
  deleted = new Set<string>();
  /** Records `read` no longer finds (deleted by retention after the watermarks were taken). */
  expired = new Set<string>();

  constructor(private readonly topics: Map<string, DlqRecord[]>) {}

  async dlqTopics(topic?: string): Promise<string[]> {
    const names = [...this.topics.keys()].filter((name) => name.endsWith('.dlq')).sort();
    if (topic === undefined) return names;
    if (!names.includes(topic)) throw new DlqError(`unknown topic ${topic}: no such topic on the cluster`);
    return [topic];
  }

  async topicExists(topic: string): Promise<boolean> {
    return this.topics.has(topic) && !this.deleted.has(topic);
  }

  async requireTopic(topic: string): Promise<void> {
    if (!(await this.topicExists(topic))) throw new DlqError(`unknown topic ${topic}: no such topic on the cluster`);
  }

  async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    this.partitionCountsAsked.push([...topics]);
    return new Map([...this.sourcePartitions].filter(([topic]) => topics.includes(topic)));
  }

  async watermarks(topic: string): Promise<PartitionWatermarks[]> {
    if (this.deleted.has(topic)) throw new DlqError(`Kafka request failed: ${topic} does not exist`);
    const records = this.topics.get(topic) ?? [];
    return [0, 1, 2].map((partition) => {
      const offsets = records.filter((record) => record.partition === partition).map((record) => BigInt(record.offset));
      if (offsets.length === 0) return { partition, low: '0', high: '0' };
      const low = offsets.reduce((min, offset) => (offset < min ? offset : min));
      const high = offsets.reduce((max, offset) => (offset > max ? offset : max)) + 1n;
      return { partition, low: String(low), high: String(high) };
    });
  }

  async read(ranges: readonly PartitionRange[], onRecord: (record: DlqRecord) => void): Promise<void> {
    this.reads.push([...ranges]);
    for (const range of ranges) {
      for (const record of this.topics.get(range.topic) ?? []) {
        const offset = BigInt(record.offset);
        const inRange =
          record.partition === range.partition && offset >= BigInt(range.start) && offset < BigInt(range.end);
        if (inRange && !this.expired.has(`${record.topic}:${record.partition}:${record.offset}`)) onRecord(record);
      }
    }
  }
}

class FakeReplayer {
  readonly written: ReplayItem[] = [];
  failAt: number | undefined;

  async replay(items: readonly ReplayItem[], onReplayed: (replayed: ReplayedRecord) => void): Promise<void> {
    for (const item of items) {
      if (this.written.length === this.failAt) {
        throw new DlqError(`replaying ${item.source.topic} to ${item.message.topic} failed: broker down`);
      }
      this.written.push(item);
      onReplayed({ item, partition: item.message.partition ?? 0, offset: String(this.written.length - 1) });
    }
  }
}

function deadLettersOver(topics: Record<string, DlqRecord[]>) {
  const reader = new FakeReader(new Map(Object.entries(topics)));
  const replayer = new FakeReplayer();
  const decode = jest.fn(async () => ({ schemaId: 7, value: { workflow_id: 'wf-1' } }));
  const makeReplayer = jest.fn(() => replayer as unknown as DlqReplayer);
  const deadLetters = new DeadLetters({
    reader: reader as unknown as DlqReader,
    registry: () => ({ decode: decode as unknown as SchemaRegistryClient['decode'] }),
    replayer: makeReplayer,
  });
  return { deadLetters, reader, replayer, decode, makeReplayer };
}

/** A replay of `selection` from the DLQ to group `opal-diagnostics`. */
const replayOf = (selection: ReplaySelection): ReplayRequest => ({
  topic: DLQ,
  selection,
  group: 'opal-diagnostics',
  force: false,
});
const ALL: ReplaySelection = { kind: 'all' };

const failureOf = async (promise: Promise<unknown>): Promise<DlqError> => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof DlqError)) throw new Error(`expected a DlqError, got ${String(error)}`);
  return error;
};

describe(DeadLetters.name, () => {
  describe('list', () => {
    it('should list the dead letters of every DLQ topic by location, with a count per topic', async () => {
      const { deadLetters } = deadLettersOver({
        [DLQ]: [letter(DLQ, 1, '10'), letter(DLQ, 0, '3'), letter(DLQ, 1, '9')],
        [OTHER_DLQ]: [letter(OTHER_DLQ, 2, '0')],
        'opal.workflow.started': [],
      });

      const listing = await deadLetters.list({});

      expect(listing.rows.map((row) => `${row.dlqTopic}:${row.partition}:${row.offset}`)).toEqual([
        `${OTHER_DLQ}:2:0`,
        `${DLQ}:0:3`,
        `${DLQ}:1:9`,
        `${DLQ}:1:10`,
      ]);
      expect(listing.counts).toEqual([
        { topic: OTHER_DLQ, total: 1, matched: 1 },
        { topic: DLQ, total: 3, matched: 3 },
      ]);
    });

    it('should keep only the rows of the group asked for and count them as matched', async () => {
      const { deadLetters } = deadLettersOver({
        [DLQ]: [letter(DLQ, 0, '0'), letter(DLQ, 0, '1', 'opal-recommendations')],
      });

      const listing = await deadLetters.list({ topic: DLQ, group: 'opal-recommendations' });

      expect(listing.rows.map((row) => row.offset)).toEqual(['1']);
      expect(listing.counts).toEqual([{ topic: DLQ, total: 2, matched: 1 }]);
    });

    it('should limit the rows to the first ones by location but count every record', async () => {
      const { deadLetters } = deadLettersOver({ [DLQ]: [letter(DLQ, 2, '5'), letter(DLQ, 0, '8')] });

      const listing = await deadLetters.list({ limit: 1 });

      expect(listing.rows.map((row) => `${row.partition}:${row.offset}`)).toEqual(['0:8']);
      expect(listing.counts).toEqual([{ topic: DLQ, total: 2, matched: 2 }]);
    });

    it('should give no rows and no counts when the cluster has no DLQ topic, reading nothing', async () => {
      const { deadLetters, reader } = deadLettersOver({ 'opal.workflow.started': [] });

      expect(await deadLetters.list({})).toEqual({ rows: [], counts: [] });
      expect(reader.reads.flat()).toEqual([]);
    });

    it('should pass over a DLQ deleted since the topics were listed when listing every DLQ', async () => {
      const { deadLetters, reader } = deadLettersOver({ [DLQ]: [letter(DLQ, 0, '0')], [OTHER_DLQ]: [] });
      reader.deleted.add(OTHER_DLQ);

      expect((await deadLetters.list({})).counts).toEqual([{ topic: DLQ, total: 1, matched: 1 }]);
    });

    it('should fail when the DLQ named cannot be read', async () => {
      const { deadLetters, reader } = deadLettersOver({ [OTHER_DLQ]: [] });
      reader.deleted.add(OTHER_DLQ);

      expect((await failureOf(deadLetters.list({ topic: OTHER_DLQ }))).message).toBe(
        `Kafka request failed: ${OTHER_DLQ} does not exist`,
      );
    });
  });

  describe('show', () => {
    it('should read the one record and decode its value through the registry', async () => {
      const { deadLetters, reader, decode } = deadLettersOver({ [DLQ]: [letter(DLQ, 1, '3'), letter(DLQ, 1, '4')] });

      const shown = await deadLetters.show({ topic: DLQ, partition: 1, offset: '4' });

      expect(shown.record.offset).toBe('4');
      expect(shown.decoded).toEqual({ kind: 'decoded', schemaId: 7, value: { workflow_id: 'wf-1' } });
      expect(decode).toHaveBeenCalledWith(shown.record.value);
      expect(reader.reads).toEqual([[{ topic: DLQ, partition: 1, offset: '4', start: '4', end: '5' }]]);
    });

    it('should name the offsets a partition holds, or that it is empty, when there is no such record', async () => {
      const { deadLetters, reader } = deadLettersOver({ [DLQ]: [letter(DLQ, 1, '0'), letter(DLQ, 1, '1')] });

      expect((await failureOf(deadLetters.show({ topic: DLQ, partition: 1, offset: '999' }))).message).toBe(
        `no record at ${DLQ}:1:999 (partition 1 holds offsets 0-1)`,
      );
      expect((await failureOf(deadLetters.show({ topic: DLQ, partition: 0, offset: '0' }))).message).toBe(
        `no record at ${DLQ}:0:0 (partition 0 is empty)`,
      );
      expect((await failureOf(deadLetters.show({ topic: DLQ, partition: 5, offset: '0' }))).message).toBe(
        `${DLQ} has no partition 5 (it has 3 partitions)`,
      );
      expect(reader.reads).toEqual([]);
    });

    it('should fail on an unknown topic', async () => {
      const { deadLetters } = deadLettersOver({});

      expect((await failureOf(deadLetters.show({ topic: DLQ, partition: 0, offset: '0' }))).message).toBe(
        `unknown topic ${DLQ}: no such topic on the cluster`,
      );
    });

    it('should say so when retention deleted the record while it was being read', async () => {
      const { deadLetters, reader } = deadLettersOver({ [DLQ]: [letter(DLQ, 0, '0')] });
      reader.expired.add(`${DLQ}:0:0`);

      expect((await failureOf(deadLetters.show({ topic: DLQ, partition: 0, offset: '0' }))).message).toBe(
        `no record at ${DLQ}:0:0 (deleted by retention while reading)`,
      );
    });
  });

  describe('prepareReplay', () => {
    const named = (...positions: Array<[number, string]>) => ({
      kind: 'offsets' as const,
      positions: positions.map(([partition, offset]) => ({ partition, offset })),
    });

    it('should read only the named records and fix their target partitions', async () => {
      const { deadLetters, reader } = deadLettersOver({
        [DLQ]: [letter(DLQ, 1, '2'), letter(DLQ, 1, '3'), letter(DLQ, 1, '4'), letter(DLQ, 2, '0')],
      });
      reader.sourcePartitions.set('opal.workflow.started', 1);

      const prepared = await deadLetters.prepareReplay(replayOf(named([1, '4'], [1, '2'])));

      expect(prepared).toMatchObject({ dlqTopic: DLQ, recordsRead: 2, skipped: [] });
      expect(prepared.items.map((item) => [item.source.offset, item.message.partition])).toEqual([
        ['2', undefined],
        ['4', undefined],
      ]);
      expect(reader.reads).toEqual([[{ topic: DLQ, partition: 1, start: '2', end: '5' }]]);
      expect(prepared.items[0]?.message.headers[REPLAY_TARGET_GROUP_HEADER]).toBe('opal-diagnostics');
    });

    it('should refuse named records that cannot be replayed as asked, listing every reason', async () => {
      const { deadLetters } = deadLettersOver({
        [DLQ]: [letter(DLQ, 0, '0', 'opal-recommendations'), { ...letter(DLQ, 0, '1'), headers: {} }],
      });

      const error = await failureOf(deadLetters.prepareReplay(replayOf(named([0, '1'], [0, '0']))));

      expect(error.message).toMatch(
        new RegExp(
          `^refusing to replay 2 records, nothing replayed:\\n  ${DLQ}:0:0 failed in consumer group opal-recommendations, ` +
            `not opal-diagnostics: .*\\n  ${DLQ}:0:1 is not a valid dead letter`,
        ),
      );
    });

    it('should name every selected offset the topic does not hold, reading nothing', async () => {
      const { deadLetters, reader } = deadLettersOver({ [DLQ]: [letter(DLQ, 0, '0')] });

      const error = await failureOf(deadLetters.prepareReplay(replayOf(named([0, '7'], [4, '0']))));

      expect(error.message).toBe(
        `no record at ${DLQ}:0:7 (partition 0 holds offsets 0-0); ${DLQ} has no partition 4 (it has 3 partitions); nothing replayed`,
      );
      expect(reader.reads).toEqual([]);
    });

    it('should name selected offsets that the read did not find', async () => {
      const { deadLetters, reader } = deadLettersOver({ [DLQ]: [letter(DLQ, 0, '0'), letter(DLQ, 0, '1')] });
      reader.expired.add(`${DLQ}:0:1`);

      const error = await failureOf(deadLetters.prepareReplay(replayOf(named([0, '1']))));

      expect(error.message).toBe(`no record at ${DLQ}:0:1; nothing replayed`);
    });

    it('should leave the records of other groups out of an all selection, with the reasons', async () => {
      const { deadLetters } = deadLettersOver({
        [DLQ]: [letter(DLQ, 0, '0', 'opal-recommendations'), letter(DLQ, 1, '0')],
      });

      const prepared = await deadLetters.prepareReplay(replayOf(ALL));

      expect(prepared.recordsRead).toBe(2);
      expect(prepared.items.map((item) => [item.source.partition, item.message.partition])).toEqual([[1, 1]]);
      expect(prepared.skipped).toEqual([
        `${DLQ}:0:0 failed in consumer group opal-recommendations (replay it with --group opal-recommendations)`,
      ]);
    });

    it('should not look up source topics when nothing is left to replay', async () => {
      const { deadLetters, reader } = deadLettersOver({ [DLQ]: [letter(DLQ, 0, '0', 'opal-recommendations')] });

      const prepared = await deadLetters.prepareReplay(replayOf(ALL));

      expect(prepared.items).toEqual([]);
      expect(reader.partitionCountsAsked).toEqual([]);
    });

    it('should fail when the source topic of the records no longer exists', async () => {
      const { deadLetters, reader } = deadLettersOver({ [DLQ]: [letter(DLQ, 0, '0')] });
      reader.sourcePartitions.clear();

      const error = await failureOf(deadLetters.prepareReplay(replayOf(ALL)));

      expect(error.message).toBe(
        'unknown topic opal.workflow.started: the original topic of the selected records does not exist; nothing replayed',
      );
    });
  });

  describe('replay', () => {
    const prepare = async (records: DlqRecord[]) => {
      const setup = deadLettersOver({ [DLQ]: records });
      const prepared = await setup.deadLetters.prepareReplay(replayOf(ALL));
      return { ...setup, prepared };
    };

    it('should write every item in order and tell of each one', async () => {
      const { deadLetters, prepared, replayer } = await prepare([letter(DLQ, 0, '0'), letter(DLQ, 1, '0')]);
      const told: string[] = [];

      const replayed = await deadLetters.replay(prepared, ({ item, offset }) =>
        told.push(`${item.source.partition}@${offset}`),
      );

      expect(told).toEqual(['0@0', '1@1']);
      expect(replayed.map((record) => record.item)).toEqual(prepared.items);
      expect(replayer.written).toEqual(prepared.items);
    });

    it('should say how many went through when a later write fails', async () => {
      const { deadLetters, prepared, replayer } = await prepare([letter(DLQ, 0, '0'), letter(DLQ, 1, '0')]);
      replayer.failAt = 1;

      expect((await failureOf(deadLetters.replay(prepared))).message).toBe(
        `replaying ${DLQ} to opal.workflow.started failed: broker down (1 of 2 replayed before the failure, listed above)`,
      );
    });

    it('should pass the failure of the first write on as it is', async () => {
      const { deadLetters, prepared, replayer } = await prepare([letter(DLQ, 0, '0')]);
      replayer.failAt = 0;

      expect((await failureOf(deadLetters.replay(prepared))).message).toBe(
        `replaying ${DLQ} to opal.workflow.started failed: broker down`,
      );
    });

    it('should not make a producer when there is nothing to write', async () => {
      const { deadLetters, prepared, makeReplayer } = await prepare([letter(DLQ, 0, '0', 'opal-recommendations')]);

      expect(await deadLetters.replay(prepared)).toEqual([]);
      expect(makeReplayer).not.toHaveBeenCalled();
    });
  });
});

import type { DecodeResult } from '@opal/platform-schema-registry';
import { REPLAY_TARGET_GROUP_HEADER } from '@opal/contracts';
import type { SourceRecord } from './dead-letter.record';
import { DependencyGuard } from './dependency.guard';
import { APPLIED, DUPLICATE } from './handler-outcome';
import { KeyGroupProcessor } from './key-group.processor';
import type { RecordProcessor, RecordResult } from './record.processor';

const record = (offset: string, headers: SourceRecord['headers'] = {}): SourceRecord => ({
  topic: 'opal.test',
  partition: 0,
  offset,
  timestamp: '0',
  key: Buffer.from('k'),
  value: Buffer.from([0]),
  headers,
});
const decodedAs = (value: unknown): DecodeResult => ({ decoded: { schemaId: 1, value } });

describe(KeyGroupProcessor.name, () => {
  let guard: DependencyGuard;
  let oneByOne: jest.Mock<Promise<RecordResult>, [SourceRecord, DecodeResult | undefined]>;
  let outcomes: Array<[string, string]>;
  let processor: KeyGroupProcessor;

  beforeEach(() => {
    guard = new DependencyGuard({
      probes: { redis: async () => undefined, 'schema-registry': async () => undefined, kafka: async () => undefined },
      resetTimeoutMs: 60_000,
    });
    oneByOne = jest.fn<Promise<RecordResult>, [SourceRecord, DecodeResult | undefined]>(async () => 'done');
    outcomes = [];
    processor = new KeyGroupProcessor({ process: oneByOne } as unknown as RecordProcessor, guard, {
      group: 'test-group',
      onOutcome: (_topic, outcome) => void outcomes.push([_topic, outcome]),
    });
  });

  afterEach(() => guard.shutdown());

  it('should call the handler once with the decoded events in order and count each outcome', async () => {
    const call = jest.fn(async () => [APPLIED, DUPLICATE]);
    const records = [record('1'), record('2')];

    const results = await processor.process(records, [decodedAs('first'), decodedAs('second')], call);

    expect(call).toHaveBeenCalledWith(['first', 'second'], records[0]);
    expect(results).toEqual(['done', 'done']);
    expect(outcomes).toEqual([
      ['opal.test', 'processed'],
      ['opal.test', 'duplicate'],
    ]);
    expect(oneByOne).not.toHaveBeenCalled();
  });

  it('should go one record at a time, in order, when the group call fails', async () => {
    const call = jest.fn(async () => {
      throw new Error('handler failed');
    });
    const records = [record('1'), record('2')];

    await expect(processor.process(records, [decodedAs(1), decodedAs(2)], call)).resolves.toEqual(['done', 'done']);

    expect(oneByOne.mock.calls.map(([source]) => source.offset)).toEqual(['1', '2']);
  });

  it('should go one record at a time when the handler answers with the wrong number of outcomes', async () => {
    await processor.process([record('1'), record('2')], [decodedAs(1), decodedAs(2)], async () => [APPLIED]);

    expect(oneByOne).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['a record failed to decode', [decodedAs(1), { error: new Error('undecodable') }], {}],
    ['a replay is addressed to another group', [decodedAs(1), decodedAs(2)], { [REPLAY_TARGET_GROUP_HEADER]: 'other-group' }],
  ])('should leave the group to the per-record rules when %s', async (_, decoded, headers) => {
    const call = jest.fn();

    await processor.process([record('1'), record('2', headers)], decoded as DecodeResult[], call);

    expect(call).not.toHaveBeenCalled();
    expect(oneByOne).toHaveBeenCalledTimes(2);
  });

  it('should stop at a paused record and report the rest of the group paused', async () => {
    oneByOne.mockResolvedValueOnce('done').mockResolvedValueOnce('paused');

    const results = await processor.process(
      [record('1'), record('2'), record('3')],
      [{ error: new Error('x') }, decodedAs(2), decodedAs(3)],
      jest.fn(),
    );

    expect(results).toEqual(['done', 'paused', 'paused']);
    expect(oneByOne).toHaveBeenCalledTimes(2);
  });
});

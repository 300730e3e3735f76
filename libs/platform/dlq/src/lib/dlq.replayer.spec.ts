import { DLQ_HEADERS, REPLAY_OF_HEADER, REPLAY_TARGET_GROUP_HEADER, readDlqHeaders } from '@opal/contracts';
import { DlqError } from './dlq.errors';
import type { DlqRecord } from './dlq.record';
import { planReplay, replayMessageOf, targetPartitions } from './dlq.replayer';

const deadLetter = (offset: string, group: string, extraHeaders: DlqRecord['headers'] = {}): DlqRecord => ({
  topic: 'opal.agent.completed.dlq',
  partition: 2,
  offset,
  timestamp: '1735689601000',
  key: Buffer.from('wf-1'),
  value: Buffer.from([0, 0, 0, 0, 3, 9]),
  headers: {
    event_id: Buffer.from(`evt-${offset}`),
    traceparent: [Buffer.from('00-a-b-01'), 'second'],
    [DLQ_HEADERS.originalTopic]: Buffer.from('opal.agent.completed'),
    [DLQ_HEADERS.originalPartition]: Buffer.from('2'),
    [DLQ_HEADERS.originalOffset]: Buffer.from('70'),
    [DLQ_HEADERS.originalTimestamp]: Buffer.from('1735689600000'),
    [DLQ_HEADERS.consumerGroup]: Buffer.from(group),
    [DLQ_HEADERS.attempts]: Buffer.from('1'),
    [DLQ_HEADERS.errorClass]: Buffer.from('NoHandlerError'),
    [DLQ_HEADERS.errorMessage]: Buffer.from('no handler'),
    [DLQ_HEADERS.failedAt]: Buffer.from('2025-01-01T00:00:01.000Z'),
    ...extraHeaders,
  },
});

describe(replayMessageOf.name, () => {
  it('should go back to the original topic and partition with the same key and value bytes', () => {
    const source = deadLetter('5', 'opal-diagnostics');
    const message = replayMessageOf(source, readDlqHeaders(source.headers), 'opal-diagnostics');

    expect(message).toMatchObject({
      topic: 'opal.agent.completed',
      partition: 2,
      key: source.key,
      value: source.value,
    });
  });

  it('should keep the original headers, drop the x-dlq-* facts and add the replay addressing', () => {
    const source = deadLetter('5', 'opal-diagnostics');
    const message = replayMessageOf(source, readDlqHeaders(source.headers), 'opal-diagnostics');

    expect(message.headers).toEqual({
      event_id: Buffer.from('evt-5'),
      traceparent: [Buffer.from('00-a-b-01'), 'second'],
      [REPLAY_TARGET_GROUP_HEADER]: 'opal-diagnostics',
      [REPLAY_OF_HEADER]: 'opal.agent.completed.dlq:2:5',
    });
  });

  it('should replace the addressing of an earlier replay rather than keep two', () => {
    const source = deadLetter('6', 'opal-recommendations', {
      [REPLAY_TARGET_GROUP_HEADER]: Buffer.from('opal-diagnostics'),
      [REPLAY_OF_HEADER]: Buffer.from('opal.agent.completed.dlq:2:1'),
    });
    const message = replayMessageOf(source, readDlqHeaders(source.headers), 'opal-recommendations');

    expect(message.headers[REPLAY_TARGET_GROUP_HEADER]).toBe('opal-recommendations');
    expect(message.headers[REPLAY_OF_HEADER]).toBe('opal.agent.completed.dlq:2:6');
  });
});

describe(planReplay.name, () => {
  const mine = deadLetter('1', 'opal-diagnostics');
  const theirs = deadLetter('2', 'opal-recommendations');
  const stray: DlqRecord = { ...deadLetter('3', 'opal-diagnostics'), headers: { event_id: 'evt-3' } };

  it('should replay named records of the group', () => {
    const plan = planReplay([mine], { group: 'opal-diagnostics', force: false, selection: 'offsets' });

    expect(plan.items.map((item) => item.source.offset)).toEqual(['1']);
    expect(plan.refused).toEqual([]);
  });

  it('should refuse a named record of another group and explain what --force would do', () => {
    const plan = planReplay([mine, theirs], { group: 'opal-diagnostics', force: false, selection: 'offsets' });

    expect(plan.refused).toEqual([
      'opal.agent.completed.dlq:2:2 failed in consumer group opal-recommendations, not opal-diagnostics: a replay addressed to ' +
        'opal-diagnostics is skipped by opal-recommendations, and opal-diagnostics may have processed it already; ' +
        'replay it with --group opal-recommendations, or add --force to address it to opal-diagnostics anyway',
    ]);
  });

  it('should address another group record to the given group with --force', () => {
    const plan = planReplay([theirs], { group: 'opal-diagnostics', force: true, selection: 'offsets' });

    expect(plan.refused).toEqual([]);
    expect(plan.items[0]?.message.headers[REPLAY_TARGET_GROUP_HEADER]).toBe('opal-diagnostics');
  });

  it('should refuse a named record that is not a dead letter, even with --force', () => {
    const plan = planReplay([stray], { group: 'opal-diagnostics', force: true, selection: 'offsets' });

    expect(plan.items).toEqual([]);
    expect(plan.refused[0]).toMatch(
      /^opal\.agent\.completed\.dlq:2:3 is not a valid dead letter \(x-dlq-original-topic is missing;/,
    );
  });

  it('should leave other groups and non-dead-letters out of --all instead of refusing', () => {
    const plan = planReplay([mine, theirs, stray], { group: 'opal-diagnostics', force: false, selection: 'all' });

    expect(plan.items.map((item) => item.source.offset)).toEqual(['1']);
    expect(plan.refused).toEqual([]);
    expect(plan.skipped).toEqual([
      'opal.agent.completed.dlq:2:2 failed in consumer group opal-recommendations (replay it with --group opal-recommendations)',
      expect.stringMatching(/^opal\.agent\.completed\.dlq:2:3 is not a valid dead letter/),
    ]);
  });
});

describe(targetPartitions.name, () => {
  const [item] = planReplay([deadLetter('1', 'opal-diagnostics')], {
    group: 'opal-diagnostics',
    force: false,
    selection: 'all',
  }).items;
  if (!item) throw new Error('fixture did not plan');

  it('should keep the original partition while the topic still has it', () => {
    expect(targetPartitions([item], new Map([['opal.agent.completed', 3]]))[0]?.message.partition).toBe(2);
  });

  it('should let the key choose when the topic has fewer partitions now', () => {
    expect(targetPartitions([item], new Map([['opal.agent.completed', 2]]))[0]?.message.partition).toBeUndefined();
  });

  it('should fail naming a source topic that no longer exists', () => {
    expect(() => targetPartitions([item], new Map())).toThrow(DlqError);
    expect(() => targetPartitions([item], new Map())).toThrow(
      'unknown topic opal.agent.completed: the original topic of the selected records does not exist; nothing replayed',
    );
  });
});

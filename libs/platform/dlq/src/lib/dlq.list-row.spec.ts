import { REPLAY_TARGET_GROUP_HEADER } from '@opal/contracts';
import { listRowOf } from './dlq.list-row';
import { sampleDeadLetter as deadLetter } from './testing/dead-letter.fixture';

describe(listRowOf.name, () => {
  it('should read the failure headers of a dead letter as text, with no problems', () => {
    expect(listRowOf(deadLetter())).toEqual({
      dlqTopic: 'opal.workflow.started.dlq',
      partition: 1,
      offset: '4',
      eventId: 'evt-1',
      originalTopic: 'opal.workflow.started',
      originalPartition: '1',
      originalOffset: '41',
      originalTimestamp: '1735689600000',
      consumerGroup: 'opal-diagnostics',
      attempts: '5',
      errorClass: 'TypeError',
      errorMessage: 'cannot read properties of undefined\n(reading "agent_id")',
      failedAt: '2025-01-01T00:00:01.000Z',
      replayTargetGroup: null,
      problems: [],
    });
  });

  it('should keep the addressing of an earlier replay', () => {
    const record = deadLetter();
    expect(
      listRowOf({ ...record, headers: { ...record.headers, [REPLAY_TARGET_GROUP_HEADER]: 'opal-diagnostics' } })
        .replayTargetGroup,
    ).toBe('opal-diagnostics');
  });

  it('should list the problems of a record that is not a dead letter', () => {
    const row = listRowOf(deadLetter({ headers: { note: 'stray' } }));
    expect(row.originalTopic).toBeNull();
    expect(row.problems).toHaveLength(9);
    expect(row.problems[0]).toBe('x-dlq-original-topic is missing');
  });
});

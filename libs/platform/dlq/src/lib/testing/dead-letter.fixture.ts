import { DLQ_HEADERS } from '@opal/contracts';
import type { DlqRecord } from '../dlq.record';

/** A well-formed dead letter of `opal.workflow.started` (group `opal-diagnostics`, 5 attempts, a TypeError). */
export const sampleDeadLetter = (overrides: Partial<DlqRecord> = {}): DlqRecord => ({
  topic: 'opal.workflow.started.dlq',
  partition: 1,
  offset: '4',
  timestamp: '1735689601000',
  key: Buffer.from('wf-1'),
  value: Buffer.from([0, 0, 0, 0, 7, 2]),
  headers: {
    event_id: Buffer.from('evt-1'),
    [DLQ_HEADERS.originalTopic]: Buffer.from('opal.workflow.started'),
    [DLQ_HEADERS.originalPartition]: Buffer.from('1'),
    [DLQ_HEADERS.originalOffset]: Buffer.from('41'),
    [DLQ_HEADERS.originalTimestamp]: Buffer.from('1735689600000'),
    [DLQ_HEADERS.consumerGroup]: Buffer.from('opal-diagnostics'),
    [DLQ_HEADERS.attempts]: Buffer.from('5'),
    [DLQ_HEADERS.errorClass]: Buffer.from('TypeError'),
    [DLQ_HEADERS.errorMessage]: Buffer.from('cannot read properties of undefined\n(reading "agent_id")'),
    [DLQ_HEADERS.failedAt]: Buffer.from('2025-01-01T00:00:01.000Z'),
  },
  ...overrides,
});

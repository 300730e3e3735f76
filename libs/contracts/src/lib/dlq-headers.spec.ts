import {
  DLQ_HEADERS,
  DLQ_HEADER_PREFIX,
  InvalidDlqHeadersError,
  REPLAY_OF_HEADER,
  REPLAY_TARGET_GROUP_HEADER,
  readDlqHeaders,
  readHeaderText,
  type KafkaHeaders,
} from './dlq-headers';

const deadLetterHeaders = (overrides: Record<string, string | Buffer | undefined> = {}): KafkaHeaders => ({
  event_id: Buffer.from('evt-1'),
  [DLQ_HEADERS.originalTopic]: Buffer.from('opal.workflow.started'),
  [DLQ_HEADERS.originalPartition]: Buffer.from('2'),
  [DLQ_HEADERS.originalOffset]: Buffer.from('9007199254740993'),
  [DLQ_HEADERS.originalTimestamp]: Buffer.from('1735689600000'),
  [DLQ_HEADERS.consumerGroup]: 'opal-diagnostics',
  [DLQ_HEADERS.attempts]: Buffer.from('5'),
  [DLQ_HEADERS.errorClass]: Buffer.from('TypeError'),
  [DLQ_HEADERS.errorMessage]: Buffer.from('boom: é'),
  [DLQ_HEADERS.failedAt]: Buffer.from('2025-01-01T00:00:01.000Z'),
  ...overrides,
});

describe('dlq headers', () => {
  describe('DLQ_HEADERS', () => {
    it('should name the nine x-dlq-* headers of ARCHITECTURE.md §4', () => {
      expect(Object.values(DLQ_HEADERS).sort()).toEqual(
        [
          'x-dlq-attempts',
          'x-dlq-consumer-group',
          'x-dlq-error-class',
          'x-dlq-error-message',
          'x-dlq-failed-at',
          'x-dlq-original-offset',
          'x-dlq-original-partition',
          'x-dlq-original-timestamp',
          'x-dlq-original-topic',
        ].sort(),
      );
      for (const name of Object.values(DLQ_HEADERS)) expect(name.startsWith(DLQ_HEADER_PREFIX)).toBe(true);
    });

    it('should name the replay headers outside the x-dlq- prefix, so a new dead letter keeps them', () => {
      expect(REPLAY_TARGET_GROUP_HEADER).toBe('x-replay-target-group');
      expect(REPLAY_OF_HEADER).toBe('x-replay-of');
      expect(REPLAY_TARGET_GROUP_HEADER.startsWith(DLQ_HEADER_PREFIX)).toBe(false);
    });
  });

  describe(readHeaderText.name, () => {
    it('should decode buffers as UTF-8 and pass strings through', () => {
      expect(readHeaderText({ a: Buffer.from('ünï') }, 'a')).toBe('ünï');
      expect(readHeaderText({ a: 'text' }, 'a')).toBe('text');
    });

    it('should take the first value of a repeated header', () => {
      expect(readHeaderText({ a: [Buffer.from('first'), 'second'] }, 'a')).toBe('first');
    });

    it('should answer undefined for an absent header, an empty array or no headers', () => {
      expect(readHeaderText({ a: 'x' }, 'b')).toBeUndefined();
      expect(readHeaderText({ a: [] }, 'a')).toBeUndefined();
      expect(readHeaderText(undefined, 'a')).toBeUndefined();
    });
  });

  describe(readDlqHeaders.name, () => {
    it('should read every fact of a dead letter, keeping offsets as decimal strings', () => {
      expect(readDlqHeaders(deadLetterHeaders())).toEqual({
        originalTopic: 'opal.workflow.started',
        originalPartition: 2,
        originalOffset: '9007199254740993',
        originalTimestamp: '1735689600000',
        consumerGroup: 'opal-diagnostics',
        attempts: 5,
        errorClass: 'TypeError',
        errorMessage: 'boom: é',
        failedAt: '2025-01-01T00:00:01.000Z',
      });
    });

    it('should accept an empty error message', () => {
      expect(readDlqHeaders(deadLetterHeaders({ [DLQ_HEADERS.errorMessage]: '' })).errorMessage).toBe('');
    });

    it('should name every missing header', () => {
      const headers = deadLetterHeaders({ [DLQ_HEADERS.originalTopic]: undefined, [DLQ_HEADERS.failedAt]: undefined });

      expect(() => readDlqHeaders(headers)).toThrow(InvalidDlqHeadersError);
      expect(() => readDlqHeaders(headers)).toThrow(
        'not a valid dead letter: x-dlq-original-topic is missing; x-dlq-failed-at is missing',
      );
    });

    it('should name malformed numbers and dates with the value found', () => {
      const headers = deadLetterHeaders({
        [DLQ_HEADERS.originalPartition]: '-1',
        [DLQ_HEADERS.attempts]: '0',
        [DLQ_HEADERS.originalOffset]: '12a',
        [DLQ_HEADERS.failedAt]: 'yesterday',
      });

      let problems: readonly string[] = [];
      try {
        readDlqHeaders(headers);
      } catch (error) {
        problems = (error as InvalidDlqHeadersError).problems;
      }
      expect(problems).toEqual([
        'x-dlq-original-partition="-1": expected a partition number',
        'x-dlq-original-offset="12a": expected an offset',
        'x-dlq-attempts="0": expected a positive integer',
        'x-dlq-failed-at="yesterday": expected an ISO 8601 timestamp',
      ]);
    });

    it('should reject a record with no headers at all', () => {
      expect(() => readDlqHeaders(undefined)).toThrow(/x-dlq-original-topic is missing/);
    });
  });
});

import { KafkaAccessDeniedError, KafkaProduceError, KafkaUnavailableError, KafkaUnknownTopicError } from './event-producer.errors';
import { isUnknownTopicError, toEventProducerError } from './kafka-error.classifier';

function kafkajsError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

function afterRetries(cause: Error): Error {
  return kafkajsError('KafkaJSNumberOfRetriesExceeded', cause.message, { cause });
}

describe(toEventProducerError.name, () => {
  it.each([
    [
      'connection refused after retries',
      afterRetries(kafkajsError('KafkaJSConnectionError', 'connect ECONNREFUSED', { code: 'ECONNREFUSED' })),
    ],
    ['a closed connection', kafkajsError('KafkaJSConnectionClosedError', 'Closed connection')],
    ['a request timeout', kafkajsError('KafkaJSRequestTimeoutError', 'Request Produce timed out')],
    [
      'not enough replicas',
      afterRetries(kafkajsError('KafkaJSProtocolError', 'fewer in-sync replicas', { type: 'NOT_ENOUGH_REPLICAS' })),
    ],
    [
      'not enough replicas after append',
      kafkajsError('KafkaJSProtocolError', 'fewer in-sync replicas', { type: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND' }),
    ],
    ['a leader election', kafkajsError('KafkaJSProtocolError', 'no leader', { type: 'LEADER_NOT_AVAILABLE' })],
    ['a broker that never finished connecting', new Error('Broker not connected')],
    ['a raw socket error', Object.assign(new Error('reset'), { code: 'ECONNRESET' })],
    ['a lock timeout', kafkajsError('KafkaJSLockTimeout', 'Timeout while acquiring lock')],
  ])('should map %s to KafkaUnavailableError, keeping the cause', (_, error) => {
    const mapped = toEventProducerError(error);

    expect(mapped).toBeInstanceOf(KafkaUnavailableError);
    expect(mapped).toMatchObject({ code: 'KAFKA_UNAVAILABLE', cause: error, name: 'KafkaUnavailableError' });
  });

  it.each([
    ['a record too large', kafkajsError('KafkaJSProtocolError', 'too large', { type: 'MESSAGE_TOO_LARGE' })],
    [
      'an unknown topic after retries',
      afterRetries(kafkajsError('KafkaJSProtocolError', 'unknown', { type: 'UNKNOWN_TOPIC_OR_PARTITION' })),
    ],
    ['a programming error', new TypeError('x is not a function')],
    ['a non-error', 'boom'],
  ])('should map %s to KafkaProduceError', (_, error) => {
    const mapped = toEventProducerError(error);

    expect(mapped).toBeInstanceOf(KafkaProduceError);
    expect(mapped).toMatchObject({ code: 'KAFKA_PRODUCE_FAILED' });
  });

  it.each(['TOPIC_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED'])(
    'should map %s, anywhere in the cause chain, to KafkaAccessDeniedError naming the denial',
    (type) => {
      const error = afterRetries(kafkajsError('KafkaJSProtocolError', 'Not authorized to access topics', { type }));

      const mapped = toEventProducerError(error);

      expect(mapped).toBeInstanceOf(KafkaAccessDeniedError);
      expect(mapped).toBeInstanceOf(KafkaProduceError);
      expect(mapped).toMatchObject({ code: 'KAFKA_ACCESS_DENIED', retriable: true, cause: error });
      expect(mapped.message).toContain(type);
    },
  );

  it('should pass the library’s own errors through unchanged', () => {
    const own = new KafkaUnknownTopicError('opal.x');

    expect(toEventProducerError(own)).toBe(own);
  });

  it('should stop on a cause cycle', () => {
    const error = kafkajsError('KafkaJSError', 'loop');
    Object.assign(error, { cause: error });

    expect(toEventProducerError(error)).toBeInstanceOf(KafkaProduceError);
  });
});

describe(isUnknownTopicError.name, () => {
  it('should find UNKNOWN_TOPIC_OR_PARTITION anywhere in the cause chain', () => {
    expect(
      isUnknownTopicError(
        afterRetries(kafkajsError('KafkaJSProtocolError', 'unknown', { type: 'UNKNOWN_TOPIC_OR_PARTITION' })),
      ),
    ).toBe(true);
    expect(
      isUnknownTopicError(kafkajsError('KafkaJSProtocolError', 'no leader', { type: 'LEADER_NOT_AVAILABLE' })),
    ).toBe(false);
  });
});

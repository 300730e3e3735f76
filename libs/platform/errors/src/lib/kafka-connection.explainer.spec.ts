import { explainKafkaConnectionFailure } from './kafka-connection.explainer';

/** kafkajs' shapes, as a client met them against the secured local stack. */
const kafkajsError = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });
const retriesExceeded = (cause: Error) =>
  Object.assign(kafkajsError('KafkaJSNumberOfRetriesExceeded', cause.message), { cause });

describe(explainKafkaConnectionFailure.name, () => {
  const secured = { ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'ingest-gateway', password: 'secret' } };

  it('should blame the credentials, naming the user and not the password, when SASL authentication fails', () => {
    const error = kafkajsError('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA512 authentication failed: invalid credentials');

    const explained = explainKafkaConnectionFailure(error, secured);

    expect(explained).toBe(
      'Kafka refused the credentials of user "ingest-gateway" (SASL authentication failed): check KAFKA_USERNAME and KAFKA_PASSWORD',
    );
  });

  it('should point at KAFKA_SSL_CA_FILE when the broker certificate is not trusted, through the retry wrapper', () => {
    const socket = kafkajsError('KafkaJSConnectionError', 'Connection error: unable to verify the first certificate', {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });

    expect(explainKafkaConnectionFailure(retriesExceeded(socket), secured)).toBe(
      "the brokers' TLS certificate is not trusted (Connection error: unable to verify the first certificate): set KAFKA_SSL_CA_FILE to the CA that signed it",
    );
  });

  it('should say the listener wants TLS when a plaintext client sees the connection closed', () => {
    const closed = retriesExceeded(kafkajsError('KafkaJSConnectionClosedError', 'Closed connection'));

    expect(explainKafkaConnectionFailure(closed, { ssl: false, sasl: { username: 'ingest-gateway' } })).toMatch(
      /requires TLS \(KAFKA_SSL is false\)$/,
    );
  });

  it('should say the listener wants SASL when a TLS client without credentials sees the connection closed', () => {
    const closed = kafkajsError('KafkaJSConnectionClosedError', 'Closed connection');

    expect(explainKafkaConnectionFailure(closed, { ssl: { ca: ['pem'] } })).toMatch(/requires SASL credentials/);
  });

  it('should say the listener is not TLS when the handshake breaks off', () => {
    const socket = kafkajsError(
      'KafkaJSConnectionError',
      'Connection error: Client network socket disconnected before secure TLS connection was established',
      { code: 'ECONNRESET' },
    );

    expect(explainKafkaConnectionFailure(retriesExceeded(socket), { ssl: { ca: ['pem'] } })).toMatch(/does not speak TLS \(KAFKA_SSL is true\)$/);
  });

  it('should name an ACL denial by its protocol error', () => {
    const denied = kafkajsError('KafkaJSProtocolError', 'Not authorized to access topics: [Topic authorization failed]', {
      type: 'TOPIC_AUTHORIZATION_FAILED',
    });

    expect(explainKafkaConnectionFailure(denied, secured)).toMatch(
      /^Kafka denied user "ingest-gateway" access \(TOPIC_AUTHORIZATION_FAILED\)/,
    );
  });

  it.each([
    ['a broker that is down', kafkajsError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', { code: 'ECONNREFUSED' })],
    ['a closed connection on a fully configured client (a broker going away)', kafkajsError('KafkaJSConnectionClosedError', 'Closed connection')],
    ['something that is not an error', 'Closed connection'],
  ])('should leave %s unexplained', (_, error) => {
    expect(explainKafkaConnectionFailure(error, secured)).toBeUndefined();
  });
});

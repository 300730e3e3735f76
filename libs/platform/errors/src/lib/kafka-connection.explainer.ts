import { causeChain, textOf } from './cause-chain';
import { untrustedCertificate } from './tls-trust';

/** The part of a kafkajs client config the explanation can blame: TLS (`KAFKA_SSL`) and the SASL user. */
export interface KafkaClientSecurity {
  ssl?: unknown;
  sasl?: unknown;
}

/**
 * A sentence naming why a kafkajs client could not talk to the brokers, and the setting to look
 * at, for the failures whose raw message does not say it ("Closed connection" is what a plaintext
 * client sees at a TLS listener); `undefined` for anything else (an outage reads well as it is).
 * This is the one place that knows which kafkajs and Node errors mean which misconfiguration.
 */
export function explainKafkaConnectionFailure(error: unknown, client: KafkaClientSecurity): string | undefined {
  const links = [...causeChain(error)];
  const settings = { tls: Boolean(client.ssl), username: textOf((client.sasl as { username?: unknown } | undefined)?.username) };
  const user = settings.username ? `user "${settings.username}"` : 'this client';
  if (links.some((link) => link.name === 'KafkaJSSASLAuthenticationError'))
    return `Kafka refused the credentials of ${user} (SASL authentication failed): check KAFKA_USERNAME and KAFKA_PASSWORD`;
  const denied = links.find((link) => /_AUTHORIZATION_FAILED$/.test(textOf(link.type)));
  if (denied)
    return `Kafka denied ${user} access (${textOf(denied.type)}): its ACLs do not allow this operation (kafka-init access grants each app its rights)`;
  const untrusted = untrustedCertificate(error);
  if (untrusted)
    return `the brokers' TLS certificate is not trusted (${textOf(untrusted.message)}): set KAFKA_SSL_CA_FILE to the CA that signed it`;
  if (settings.tls && links.some((link) => /before secure TLS connection was established|wrong version number|EPROTO/.test(`${textOf(link.message)} ${textOf(link.code)}`)))
    return 'the TLS handshake with the broker failed: its listener probably does not speak TLS (KAFKA_SSL is true)';
  if (links.some((link) => link.name === 'KafkaJSConnectionClosedError')) {
    if (!settings.tls)
      return 'the broker closed the connection before answering: its listener probably requires TLS (KAFKA_SSL is false)';
    if (!settings.username)
      return 'the broker closed the connection before answering: its listener probably requires SASL credentials (KAFKA_USERNAME and KAFKA_PASSWORD are unset)';
  }
  return undefined;
}

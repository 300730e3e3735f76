import { WIRE_HEADER_LENGTH, WIRE_MAGIC_BYTE } from './schema-registry.constants';
import { UndecodableMessageError } from './schema-registry.errors';

/**
 * The schema id of a Confluent-framed message (magic byte 0, 4-byte big-endian id, body). The
 * codec reads the header too; reading it first lets a bad frame fail before any registry call.
 */
export function readSchemaId(message: unknown): number {
  if (!Buffer.isBuffer(message)) {
    throw new UndecodableMessageError(`expected a Buffer, got ${message === null ? 'null' : typeof message}`);
  }
  if (message.length < WIRE_HEADER_LENGTH) {
    throw new UndecodableMessageError(
      `${message.length} bytes is shorter than the ${WIRE_HEADER_LENGTH}-byte Confluent header`,
    );
  }
  if (message[0] !== WIRE_MAGIC_BYTE) {
    throw new UndecodableMessageError(
      `magic byte is ${message[0]}, expected ${WIRE_MAGIC_BYTE} (not Confluent-framed)`,
    );
  }
  return message.readInt32BE(1);
}

/**
 * Confluent's Protobuf framing puts the message-index path between header and body; `[0]` (the
 * file's first message) is written as the single byte 0. `@kafkajs/confluent-schema-registry`
 * 3.x omits it when encoding, so Java/Python deserializers could not read its output without this.
 */
export function withFirstMessageIndex(framed: Buffer): Buffer {
  return Buffer.concat([framed.subarray(0, WIRE_HEADER_LENGTH), Buffer.from([0]), framed.subarray(WIRE_HEADER_LENGTH)]);
}

/**
 * The inverse, for the codec's decoder: it skips the index only by trimming leading zero bytes,
 * which turns an index-only frame (a message with every field at its default) into garbage.
 * Frames without the `[0]` byte (the codec's own output) pass through unchanged.
 */
export function withoutFirstMessageIndex(framed: Buffer): Buffer {
  return framed.length > WIRE_HEADER_LENGTH && framed[WIRE_HEADER_LENGTH] === 0
    ? Buffer.concat([framed.subarray(0, WIRE_HEADER_LENGTH), framed.subarray(WIRE_HEADER_LENGTH + 1)])
    : framed;
}

import { readSchemaId, withFirstMessageIndex, withoutFirstMessageIndex } from './confluent-wire-format';
import { UndecodableMessageError } from './schema-registry.errors';

describe('confluent-wire-format', () => {
  describe(readSchemaId.name, () => {
    it('should read the big-endian schema id after the magic byte', () => {
      expect(readSchemaId(Buffer.from([0, 0, 0, 1, 2, 0xff]))).toBe(258);
    });

    it.each([
      ['an empty buffer', Buffer.alloc(0), /0 bytes is shorter than the 5-byte Confluent header/],
      ['a 4-byte buffer', Buffer.from([0, 0, 0, 1]), /4 bytes/],
      ['a wrong magic byte', Buffer.from('{"json":true}'), /magic byte is 123, expected 0/],
      ['null (a tombstone)', null, /expected a Buffer, got null/],
      ['a string', 'AAAAAQ==', /expected a Buffer, got string/],
    ])('should throw UndecodableMessageError for %s', (_, message, reason) => {
      expect(() => readSchemaId(message)).toThrow(UndecodableMessageError);
      expect(() => readSchemaId(message)).toThrow(reason);
    });
  });

  describe(withFirstMessageIndex.name, () => {
    it('should put the message index [0] between header and body', () => {
      const framed = Buffer.from([0, 0, 0, 0, 9, 0x0a, 0x01, 0x77]);

      expect([...withFirstMessageIndex(framed)]).toEqual([0, 0, 0, 0, 9, 0, 0x0a, 0x01, 0x77]);
    });
  });

  describe(withoutFirstMessageIndex.name, () => {
    it('should drop the [0] index byte, even when no body follows', () => {
      expect([...withoutFirstMessageIndex(Buffer.from([0, 0, 0, 0, 9, 0, 0x0a, 0x01, 0x77]))]).toEqual([
        0, 0, 0, 0, 9, 0x0a, 0x01, 0x77,
      ]);
      expect([...withoutFirstMessageIndex(Buffer.from([0, 0, 0, 0, 9, 0]))]).toEqual([0, 0, 0, 0, 9]);
    });

    it('should leave a frame without index byte as it is', () => {
      const framed = Buffer.from([0, 0, 0, 0, 9, 0x0a, 0x01, 0x77]);

      expect(withoutFirstMessageIndex(framed)).toBe(framed);
    });
  });
});

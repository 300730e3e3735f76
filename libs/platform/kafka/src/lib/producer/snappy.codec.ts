import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { compressSync, uncompress } from 'snappy';

// The Java client (through xerial snappy-java) frames its Snappy batches: this 8-byte magic, a
// version and a compatible-version int, then blocks of [int32 big-endian length][raw Snappy].
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

function isXerialFramed(buffer: Buffer): boolean {
  return buffer.length >= XERIAL_HEADER_BYTES && buffer.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC);
}

async function uncompressXerial(buffer: Buffer): Promise<Buffer> {
  const blocks: Buffer[] = [];
  let offset = XERIAL_HEADER_BYTES;
  while (offset < buffer.length) {
    if (offset + 4 > buffer.length) throw new Error('Truncated xerial Snappy block header');
    const length = buffer.readUInt32BE(offset);
    const start = offset + 4;
    if (start + length > buffer.length) throw new Error('Truncated xerial Snappy block');
    blocks.push((await uncompress(buffer.subarray(start, start + length))) as Buffer);
    offset = start + length;
  }
  return Buffer.concat(blocks);
}

/**
 * Snappy for kafkajs (which ships only GZIP) through `snappy`, the maintained native (napi-rs)
 * binding whose prebuilt binaries come from the npm registry. It writes raw Snappy, which the Java
 * client and librdkafka both read, and reads raw or xerial-framed batches (what Java producers
 * write). A gateway profile had GZIP's deflate among its top costs; Snappy is the seed's choice.
 *
 * Compression runs in place: a produce request holds one small batch per partition (a gateway
 * batch of ~17 records over several partitions), and the async variant's thread-pool task and
 * promise cost more than compressing those few KiB (2% of the gateway's CPU in a profile).
 * Decompression stays off the event loop: consumers fetch batches of up to 4 MiB.
 */
const snappyCodec = () => ({
  compress: (encoder: { buffer: Buffer }): Buffer => compressSync(encoder.buffer),
  decompress: (buffer: Buffer): Promise<Buffer> =>
    isXerialFramed(buffer) ? uncompressXerial(buffer) : (uncompress(buffer) as Promise<Buffer>),
});

/**
 * Registers the codec with kafkajs, process-wide and idempotently: producers write it, consumers
 * read it. Importing `@opal/platform-kafka` does this; a process that talks to Kafka through
 * kafkajs alone (a test tap, a tool) calls it before it consumes.
 */
export function registerSnappyCodec(): void {
  CompressionCodecs[CompressionTypes.Snappy] = snappyCodec;
}

/** The compression every producer of the workspace writes. */
export const PRODUCER_COMPRESSION = CompressionTypes.Snappy;

registerSnappyCodec();

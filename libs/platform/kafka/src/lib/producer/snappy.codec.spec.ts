import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { compressSync } from 'snappy';
import { PRODUCER_COMPRESSION, registerSnappyCodec } from './snappy.codec';

function codec() {
  const create = CompressionCodecs[CompressionTypes.Snappy];
  if (!create) throw new Error('Snappy is not registered with kafkajs');
  return create();
}

/** A batch as xerial snappy-java (the Java client) frames it: header, then length-prefixed blocks. */
function xerialFramed(...blocks: Buffer[]): Buffer {
  const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
  const framed = blocks.flatMap((block) => {
    const compressed = compressSync(block);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(compressed.length);
    return [length, compressed];
  });
  return Buffer.concat([header, ...framed]);
}

describe('snappy codec', () => {
  const batch = Buffer.from('{"event_id":"e-1","workflow_id":"wf-1"}'.repeat(40));

  it('should be what importing the lib registers, and what producers write', () => {
    expect(CompressionCodecs[CompressionTypes.Snappy]).toBeDefined();
    expect(PRODUCER_COMPRESSION).toBe(CompressionTypes.Snappy);
  });

  it('should read back what it writes, smaller than the input', async () => {
    const compressed = await codec().compress({ buffer: batch });

    expect(compressed.length).toBeLessThan(batch.length);
    expect(await codec().decompress(compressed)).toEqual(batch);
  });

  it('should write raw Snappy, which librdkafka and the Java client read', async () => {
    const compressed = await codec().compress({ buffer: batch });

    expect(compressed).toEqual(compressSync(batch));
  });

  it('should compress in place, without a thread-pool task per partition batch', () => {
    expect(Buffer.isBuffer(codec().compress({ buffer: batch }))).toBe(true);
  });

  it('should read a xerial-framed batch of several blocks, as the Java client writes them', async () => {
    const first = batch.subarray(0, 500);
    const second = batch.subarray(500);

    expect(await codec().decompress(xerialFramed(first, second))).toEqual(batch);
  });

  it('should refuse a truncated xerial batch instead of returning part of it', async () => {
    const framed = xerialFramed(batch);

    await expect(codec().decompress(framed.subarray(0, framed.length - 3))).rejects.toThrow('Truncated xerial Snappy block');
    await expect(codec().decompress(framed.subarray(0, 18))).rejects.toThrow('Truncated xerial Snappy block header');
  });

  it('should be safe to register again', async () => {
    registerSnappyCodec();

    expect(await codec().decompress(await codec().compress({ buffer: batch }))).toEqual(batch);
  });
});

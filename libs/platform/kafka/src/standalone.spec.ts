import { loadWithoutNest } from '@opal/platform-runtime/testing';

describe('@opal/platform-kafka/standalone', () => {
  it('should load without any Nest package (the client SDK ships without Nest)', () => {
    const standalone = loadWithoutNest(require.resolve('./standalone'));

    expect(typeof standalone['EventProducer']).toBe('function');
    expect(typeof standalone['buildKafkaClientConfig']).toBe('function');
  });

  it('should be the only entry that does (the check above can fail)', () => {
    expect(() => loadWithoutNest(require.resolve('./index'))).toThrow('was loaded');
  });

  it('should register the Snappy codec with kafkajs when it loads', () => {
    jest.isolateModules(() => {
      const kafkajs = jest.requireActual<typeof import('kafkajs')>('kafkajs');
      delete (kafkajs.CompressionCodecs as Record<number, unknown>)[kafkajs.CompressionTypes.Snappy];
      jest.requireActual('./standalone');

      expect(kafkajs.CompressionCodecs[kafkajs.CompressionTypes.Snappy]).toEqual(expect.any(Function));
    });
  });
});

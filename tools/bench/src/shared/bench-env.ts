import { createServer } from 'node:net';
import { z } from 'zod';
import { kafkaEnv, parseEnv, requirePairs, toKafkaConfig, type EnvSource } from '@opal/platform-config';

export const BENCH = 'bench';

const benchEnv = z.object({ ...kafkaEnv }).superRefine(requirePairs([['KAFKA_USERNAME', 'KAFKA_PASSWORD']] as const));

/** The broker the benchmarks read offsets from (the same `KAFKA_*` variables as the apps). */
export const loadBenchKafkaConfig = (env: EnvSource) => toKafkaConfig(parseEnv(BENCH, benchEnv, env));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

import { z } from 'zod';
import {
  connectionRules,
  kafkaEnv,
  parseEnv,
  redisEnv,
  schemaRegistryEnv,
  toKafkaConfig,
  toRedisConfig,
  toSchemaRegistryConfig,
  type EnvSource,
} from '@opal/platform-config';
import { positiveIntFromEnv } from '../shared/bench-report';
import { benchRepeats } from '../shared/repeats';

const BENCH_WORKERS = 'bench:workers';

const connectionsEnv = z
  .object({ ...kafkaEnv, ...schemaRegistryEnv, ...redisEnv })
  .superRefine(connectionRules);

/** Where the stack is: the same `KAFKA_*`, `SCHEMA_REGISTRY_*` and `REDIS_*` variables the workers read. */
export function loadWorkersBenchConnections(env: EnvSource) {
  const parsed = parseEnv(BENCH_WORKERS, connectionsEnv, env);
  return { kafka: toKafkaConfig(parsed), schemaRegistry: toSchemaRegistryConfig(parsed), redis: toRedisConfig(parsed) };
}

export type WorkersBenchConnections = ReturnType<typeof loadWorkersBenchConnections>;

/** The knobs of `npm run bench:workers`, with the defaults the issue asks for. */
export function loadWorkersBenchParameters() {
  return {
    /** Records preloaded per worker for the drain measurement. */
    events: positiveIntFromEnv('BENCH_EVENTS', 100_000),
    /** Runs of each measurement; the median is reported. */
    repeats: benchRepeats(),
    /** Offered rate of signed deliveries for the end-to-end latency. */
    ratePerSecond: positiveIntFromEnv('BENCH_RATE', 2_000),
    /** Measured seconds at that rate, after the warm-up. */
    seconds: positiveIntFromEnv('BENCH_SECONDS', 10),
    /** Seconds sent at the same rate first and left out of the latency (cold JIT, connection set-up). */
    warmupSeconds: positiveIntFromEnv('BENCH_WARMUP_SECONDS', 2),
  };
}

export type WorkersBenchParameters = ReturnType<typeof loadWorkersBenchParameters>;

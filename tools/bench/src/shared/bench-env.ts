import { z } from 'zod';
import { connectionRules, kafkaEnv, parseEnv, toKafkaConfig, type EnvSource } from '@opal/platform-config';

export const BENCH = 'bench';

const benchEnv = z.object({ ...kafkaEnv }).superRefine(connectionRules);

/** The broker the benchmarks read offsets from (the same `KAFKA_*` variables as the apps). */
export const loadBenchKafkaConfig = (env: EnvSource) => toKafkaConfig(parseEnv(BENCH, benchEnv, env));

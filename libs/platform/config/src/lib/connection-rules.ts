import type { z } from 'zod';
import type { kafkaEnv, redisEnv, schemaRegistryEnv } from './platform-env';

type ConnectionVariable = keyof typeof kafkaEnv | keyof typeof schemaRegistryEnv | keyof typeof redisEnv;
type ParsedEnv = Record<string, unknown>;
type Broken = { variable: ConnectionVariable; message: string };
type ConnectionRule = (env: ParsedEnv) => Broken | undefined;

/** A username without its password is a deployment mistake, not "no auth". */
const together =
  (a: ConnectionVariable, b: ConnectionVariable): ConnectionRule =>
  (env) =>
    Boolean(env[a]) === Boolean(env[b]) ? undefined : { variable: env[a] ? b : a, message: `expected ${a} and ${b} to be set together` };

/** Redis' `default` user takes a password alone; a named ACL user cannot log in without one. */
const passwordFor =
  (username: ConnectionVariable, password: ConnectionVariable): ConnectionRule =>
  (env) =>
    env[username] && !env[password] ? { variable: password, message: `expected ${password} when ${username} is set` } : undefined;

/** A CA with TLS off would be silently ignored and the connection would go out in clear. */
const tlsFor =
  (caFile: ConnectionVariable, tls: ConnectionVariable): ConnectionRule =>
  (env) =>
    env[caFile] !== undefined && env[tls] !== true ? { variable: caFile, message: `expected ${tls}=true when ${caFile} is set` } : undefined;

/** Two ways to find Redis at once would leave which one wins to the code's order. */
const notBoth =
  (a: ConnectionVariable, b: ConnectionVariable): ConnectionRule =>
  (env) =>
    env[a] && env[b] ? { variable: b, message: `expected ${a} or ${b}, not both` } : undefined;

/** A setting of one topology given without it would look applied while nothing reads it. */
const only =
  (setting: ConnectionVariable, topology: ConnectionVariable): ConnectionRule =>
  (env) =>
    env[setting] && !env[topology] ? { variable: setting, message: `expected ${topology} when ${setting} is set` } : undefined;

const CONNECTION_RULES: readonly ConnectionRule[] = [
  together('KAFKA_USERNAME', 'KAFKA_PASSWORD'),
  together('SCHEMA_REGISTRY_USERNAME', 'SCHEMA_REGISTRY_PASSWORD'),
  passwordFor('REDIS_USERNAME', 'REDIS_PASSWORD'),
  passwordFor('REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD'),
  only('REDIS_SENTINEL_PASSWORD', 'REDIS_SENTINELS'),
  tlsFor('KAFKA_SSL_CA_FILE', 'KAFKA_SSL'),
  tlsFor('REDIS_TLS_CA_FILE', 'REDIS_TLS'),
  notBoth('REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'),
];

/**
 * The rules between the Kafka, Schema Registry and Redis variables that no single variable can
 * check: credentials in pairs, a Redis ACL user with its password, a CA file only with TLS on,
 * Sentinels or Cluster nodes but not both, the Sentinels' password only with Sentinels.
 * Use it on every schema that spreads `kafkaEnv`, `schemaRegistryEnv` or `redisEnv`:
 * `z.object({ ...kafkaEnv }).superRefine(connectionRules)`. A variable the schema does not
 * have is never set in its output, so rules about it pass.
 */
export function connectionRules(env: ParsedEnv, ctx: z.RefinementCtx): void {
  for (const rule of CONNECTION_RULES) {
    const broken = rule(env);
    if (broken) ctx.addIssue({ code: 'custom', path: [broken.variable], message: broken.message });
  }
}

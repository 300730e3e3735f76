import { z } from 'zod';
import { connectionRules } from './connection-rules';
import { kafkaEnv, redisEnv, schemaRegistryEnv } from './platform-env';

const CA = { KAFKA_SSL_CA_FILE: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' };

/** The rules run on parsed values, so the schema here takes them as they come out of a parse. */
const parsed = z
  .object({
    KAFKA_USERNAME: z.string().optional(),
    KAFKA_PASSWORD: z.string().optional(),
    KAFKA_SSL: z.boolean().default(false),
    KAFKA_SSL_CA_FILE: z.string().optional(),
    SCHEMA_REGISTRY_USERNAME: z.string().optional(),
    SCHEMA_REGISTRY_PASSWORD: z.string().optional(),
    REDIS_USERNAME: z.string().optional(),
    REDIS_PASSWORD: z.string().optional(),
    REDIS_TLS: z.boolean().default(false),
    REDIS_TLS_CA_FILE: z.string().optional(),
  })
  .superRefine(connectionRules);

const problems = (env: Record<string, unknown>) =>
  parsed.safeParse(env).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];

describe(connectionRules.name, () => {
  it('should accept no credentials and no CA', () => {
    expect(problems({})).toEqual([]);
  });

  it('should require each username/password pair to be set together, naming the missing one', () => {
    expect(problems({ KAFKA_USERNAME: 'svc' })).toEqual(['KAFKA_PASSWORD: expected KAFKA_USERNAME and KAFKA_PASSWORD to be set together']);
    expect(problems({ SCHEMA_REGISTRY_PASSWORD: 'p' })).toEqual([
      'SCHEMA_REGISTRY_USERNAME: expected SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD to be set together',
    ]);
  });

  it('should take a Redis password alone (the default user) but no Redis username without a password', () => {
    expect(problems({ REDIS_PASSWORD: 'p' })).toEqual([]);
    expect(problems({ REDIS_USERNAME: 'opal', REDIS_PASSWORD: 'p' })).toEqual([]);
    expect(problems({ REDIS_USERNAME: 'opal' })).toEqual(['REDIS_PASSWORD: expected REDIS_PASSWORD when REDIS_USERNAME is set']);
  });

  it('should take a CA file only with TLS on', () => {
    expect(problems({ ...CA, KAFKA_SSL: true })).toEqual([]);
    expect(problems({ ...CA, KAFKA_SSL: false })).toEqual(['KAFKA_SSL_CA_FILE: expected KAFKA_SSL=true when KAFKA_SSL_CA_FILE is set']);
    expect(problems({ REDIS_TLS_CA_FILE: CA.KAFKA_SSL_CA_FILE, REDIS_TLS: true })).toEqual([]);
    expect(problems({ REDIS_TLS_CA_FILE: CA.KAFKA_SSL_CA_FILE })).toEqual([
      'REDIS_TLS_CA_FILE: expected REDIS_TLS=true when REDIS_TLS_CA_FILE is set',
    ]);
  });

  it('should report every broken rule at once', () => {
    expect(problems({ KAFKA_PASSWORD: 'p', REDIS_USERNAME: 'opal', ...CA })).toHaveLength(3);
  });

  it('should pass the rules about variables a schema does not have', () => {
    const kafkaOnly = z.object({ ...kafkaEnv }).superRefine(connectionRules);
    const withRedis = z.object({ ...kafkaEnv, ...schemaRegistryEnv, ...redisEnv }).superRefine(connectionRules);
    const env = { REDIS_USERNAME: 'opal', SCHEMA_REGISTRY_USERNAME: 'u' };

    expect(kafkaOnly.safeParse(env).success).toBe(true);
    expect(withRedis.safeParse(env).success).toBe(false);
  });
});

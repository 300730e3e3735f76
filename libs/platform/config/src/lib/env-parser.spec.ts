import { z } from 'zod';
import { InvalidEnvironmentError, parseEnv, parseEnvOrExit } from './env-parser';
import { CREDENTIAL_PAIRS, httpEnv, kafkaEnv, redisEnv, requirePairs, runtimeEnv, schemaRegistryEnv, toKafkaConfig } from './platform-env';

const schema = z
  .object({ ...runtimeEnv, ...httpEnv(3000), ...kafkaEnv, ...schemaRegistryEnv, ...redisEnv })
  .superRefine(requirePairs(CREDENTIAL_PAIRS));

const parse = (env: Record<string, string>) => parseEnv('test-app', schema, env);

describe(parseEnv.name, () => {
  it('should fall back to the local-stack defaults on an empty environment', () => {
    const env = parse({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 3000,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      KAFKA_SSL: false,
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: 6379,
    });
  });

  it('should coerce and normalise values from strings', () => {
    const env = parse({ PORT: '8080', KAFKA_BROKERS: ' a:9092 , b:9093 ', KAFKA_SSL: '1', SCHEMA_REGISTRY_URL: 'https://sr:8081/' });
    expect(env.PORT).toBe(8080);
    expect(env.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(env.KAFKA_SSL).toBe(true);
    expect(env.SCHEMA_REGISTRY_URL).toBe('https://sr:8081');
  });

  it('should treat an empty value as unset', () => {
    expect(parse({ PORT: '' }).PORT).toBe(3000);
  });

  it('should name the variable, its value and what was expected in one line', () => {
    expect(() => parse({ PORT: 'abc' })).toThrow('test-app: invalid environment: PORT="abc": expected a TCP port (integer 1-65535)');
  });

  it('should list every invalid variable, not just the first', () => {
    try {
      parse({ PORT: '70000', NODE_ENV: 'prod', KAFKA_BROKERS: 'no-port' });
      throw new Error('expected parseEnv to throw');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEnvironmentError);
      const { problems, message } = error as InvalidEnvironmentError;
      expect(problems).toEqual([
        'NODE_ENV="prod": expected one of development, staging, production',
        'PORT="70000": expected a TCP port (integer 1-65535)',
        'KAFKA_BROKERS="no-port": expected a comma-separated list of host:port',
      ]);
      expect(message).not.toContain('\n');
    }
  });

  it('should never echo a secret value', () => {
    expect(() => parse({ KAFKA_USERNAME: 'svc' })).toThrow(
      'KAFKA_PASSWORD is required: expected KAFKA_USERNAME and KAFKA_PASSWORD to be set together',
    );
    const secretSchema = z.object({ WEBHOOK_SECRETS: z.string().regex(/^whsec_/, { error: 'expected whsec_ secrets' }) });
    expect(() => parseEnv('x', secretSchema, { WEBHOOK_SECRETS: 'plain-secret' })).toThrow(
      'x: invalid environment: WEBHOOK_SECRETS=(value hidden): expected whsec_ secrets',
    );
    expect(() => parseEnv('x', secretSchema, { WEBHOOK_SECRETS: 'plain-secret' })).not.toThrow(/plain-secret/);
  });

  it('should build SASL settings only when both credentials are set', () => {
    expect(toKafkaConfig(parse({})).sasl).toBeUndefined();
    expect(toKafkaConfig(parse({ KAFKA_USERNAME: 'u', KAFKA_PASSWORD: 'p', KAFKA_SASL_MECHANISM: 'scram-sha-256' })).sasl).toEqual({
      mechanism: 'scram-sha-256',
      username: 'u',
      password: 'p',
    });
  });
});

describe(parseEnvOrExit.name, () => {
  it('should print the one-line reason to stderr and exit with code 1', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);

    expect(() => parseEnvOrExit(() => parse({ REDIS_PORT: '0' }))).toThrow('exit 1');
    expect(stderr).toHaveBeenCalledWith('test-app: invalid environment: REDIS_PORT="0": expected a TCP port (integer 1-65535)\n');

    exit.mockRestore();
    stderr.mockRestore();
  });

  it('should rethrow anything that is not a configuration problem', () => {
    expect(() => parseEnvOrExit(() => { throw new TypeError('boom'); })).toThrow(TypeError);
  });
});

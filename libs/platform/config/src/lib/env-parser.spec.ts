import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { connectionRules } from './connection-rules';
import { InvalidEnvironmentError, parseEnv, parseEnvOrExit } from './env-parser';
import { httpEnv, kafkaEnv, redisEnv, runtimeEnv, schemaRegistryEnv } from './platform-env';

const schema = z
  .object({ ...runtimeEnv, ...httpEnv(3000), ...kafkaEnv, ...schemaRegistryEnv, ...redisEnv })
  .superRefine(connectionRules);

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

  describe('with CA files and a Redis ACL user', () => {
    const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIBprivate-ca\n-----END CERTIFICATE-----\n';
    let dir: string;
    let caFile: string;

    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'env-parser-'));
      caFile = path.join(dir, 'ca.pem');
      writeFileSync(caFile, CERTIFICATE);
    });

    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it("should read each CA file's certificates at parse time", () => {
      const env = parse({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: caFile, REDIS_TLS: 'true', REDIS_TLS_CA_FILE: caFile });

      expect(env.KAFKA_SSL_CA_FILE).toBe(CERTIFICATE);
      expect(env.REDIS_TLS_CA_FILE).toBe(CERTIFICATE);
    });

    it('should leave the CA files and the Redis user unset by default', () => {
      const env = parse({});

      expect([env.KAFKA_SSL_CA_FILE, env.REDIS_TLS_CA_FILE, env.REDIS_USERNAME]).toEqual([undefined, undefined, undefined]);
    });

    it('should stop on a missing CA file in one line naming the variable, its path and why', () => {
      const missing = path.join(dir, 'absent.pem');

      expect(() => parse({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: missing })).toThrow(
        `test-app: invalid environment: KAFKA_SSL_CA_FILE=${JSON.stringify(missing)}: expected a readable PEM file with a CERTIFICATE (ENOENT: no such file or directory)`,
      );
    });

    it('should stop on a file without a certificate without echoing its contents', () => {
      const key = path.join(dir, 'key.pem');
      writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nMIIEvQ-private-key-material\n-----END PRIVATE KEY-----\n');

      expect(() => parse({ REDIS_TLS: 'true', REDIS_TLS_CA_FILE: key })).toThrow(
        `REDIS_TLS_CA_FILE=${JSON.stringify(key)}: expected a readable PEM file with a CERTIFICATE (no -----BEGIN CERTIFICATE----- block)`,
      );
      expect(() => parse({ REDIS_TLS: 'true', REDIS_TLS_CA_FILE: key })).not.toThrow(/private-key-material|PRIVATE KEY/);
    });

    it('should stop on a CA file while TLS is off, one line per variable', () => {
      try {
        parse({ KAFKA_SSL_CA_FILE: caFile, REDIS_TLS: 'false', REDIS_TLS_CA_FILE: caFile });
        throw new Error('expected parseEnv to throw');
      } catch (error) {
        expect((error as InvalidEnvironmentError).problems).toEqual([
          `KAFKA_SSL_CA_FILE=${JSON.stringify(caFile)}: expected KAFKA_SSL=true when KAFKA_SSL_CA_FILE is set`,
          `REDIS_TLS_CA_FILE=${JSON.stringify(caFile)}: expected REDIS_TLS=true when REDIS_TLS_CA_FILE is set`,
        ]);
        expect((error as InvalidEnvironmentError).message).not.toContain('MIIBprivate-ca');
      }
    });

    it('should stop on a Redis username without a password, never echoing a secret', () => {
      expect(() => parse({ REDIS_USERNAME: 'opal-worker' })).toThrow(
        'test-app: invalid environment: REDIS_PASSWORD is required: expected REDIS_PASSWORD when REDIS_USERNAME is set',
      );
      expect(() => parse({ REDIS_PASSWORD: 'hunter2-redis', REDIS_TLS_CA_FILE: caFile })).toThrow('REDIS_TLS_CA_FILE=');
      expect(() => parse({ REDIS_PASSWORD: 'hunter2-redis', REDIS_TLS_CA_FILE: caFile })).not.toThrow(/hunter2/);
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

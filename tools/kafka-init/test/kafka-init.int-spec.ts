import { Kafka, logLevel } from 'kafkajs';
import { TOPIC_CATALOGUE } from '@opal/contracts';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { spawnInWorkspace } from '@opal/platform-runtime/testing';
import { runSchemaCheck } from '../src/check-schemas.command';

const brokers = (process.env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers).split(',');
const registryUrl = process.env['SCHEMA_REGISTRY_URL'] ?? LOCAL_STACK_DEFAULTS.schemaRegistryUrl;

async function runCli(command: string, env: Record<string, string> = {}) {
  const run = spawnInWorkspace('node', ['dist/tools/kafka-init/main.js', command], env);
  const code = await run.exited();
  return { code, output: run.output() };
}

/** The table rows of the CLI's output: `kind name action ...`. */
const rowsOf = (output: string) =>
  output
    .split('\n')
    .map((line) => line.split(/\s{2,}/))
    .filter(([kind]) => kind === 'topic' || kind === 'subject');

async function listTopics() {
  const admin = new Kafka({ clientId: 'kafka-init-test', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

describe('kafka-init init (built CLI, real Kafka and registry)', () => {
  it('should create or verify every topic, its .dlq twin and every subject, then change nothing on a second run', async () => {
    const first = await runCli('init');
    expect(first.code).toBe(0);

    const second = await runCli('init');
    expect(second.code).toBe(0);
    const rows = rowsOf(second.output);
    const expectedTopics = TOPIC_CATALOGUE.flatMap((entry) => [entry.topic, entry.dlqTopic]).sort();
    expect(rows.filter(([kind]) => kind === 'topic').map(([, name]) => name).sort()).toEqual(expectedTopics);
    expect(rows.filter(([kind]) => kind === 'subject').map(([, name]) => name).sort()).toEqual(TOPIC_CATALOGUE.map((entry) => entry.subject).sort());
    expect(rows.filter(([kind, , action]) => kind === 'topic' && action !== 'verified')).toEqual([]);
    expect(rows.filter(([kind, , action]) => kind === 'subject' && action !== 'unchanged')).toEqual([]);
    expect(await listTopics()).toEqual(expect.arrayContaining(expectedTopics));
  });

  it('should refuse the production profile on one broker with a clear message and create nothing', async () => {
    const before = (await listTopics()).sort();
    const result = await runCli('init', { NODE_ENV: 'production' });

    expect(result.code).toBe(1);
    expect(result.output).toContain('production profile needs replication factor 3 but the cluster has 1 broker');
    expect((await listTopics()).sort()).toEqual(before);
  });

  it('should exit 1 naming the variable when the environment is invalid', async () => {
    const result = await runCli('init', { SCHEMA_REGISTRY_URL: 'not a url' });

    expect(result.code).toBe(1);
    expect(result.output).toBe('kafka-init: invalid environment: SCHEMA_REGISTRY_URL="not a url": expected an http(s) URL\n');
  });
});

describe('kafka-init check-schemas (the schema-evolution gate)', () => {
  const registry = new SchemaRegistryClient({ url: registryUrl });
  const subject = `it.gate.${Date.now().toString(36)}-${process.pid}-value`;
  const avro = (fields: object[]) => ({
    schemaType: 'AVRO' as const,
    schema: JSON.stringify({ type: 'record', name: 'GateProbe', namespace: 'com.opal.test', fields }),
  });
  const v1 = avro([{ name: 'workflow_id', type: 'string' }, { name: 'count', type: 'int' }]);

  beforeAll(async () => {
    await registry.ensureSubject(subject, v1, 'BACKWARD');
  });

  it('should pass the working tree against the registered event subjects', async () => {
    const result = await runCli('check-schemas');

    expect(result.code).toBe(0);
    expect(result.output).not.toContain('INCOMPATIBLE');
    expect(result.output).toContain('opal.workflow.started-value');
  });

  it('should accept a new optional field with a default', async () => {
    const [row] = await runSchemaCheck(registry, [
      { subject, definition: avro([...JSON.parse(v1.schema).fields, { name: 'note', type: ['null', 'string'], default: null }]) },
    ]);

    expect(row).toMatchObject({ subject, result: 'compatible' });
  });

  it('should fail a changed field type and a new required field, naming the subject', async () => {
    const rows = await runSchemaCheck(registry, [
      { subject, definition: avro([{ name: 'workflow_id', type: 'string' }, { name: 'count', type: 'string' }]) },
      { subject, definition: avro([...JSON.parse(v1.schema).fields, { name: 'owner', type: 'string' }]) },
    ]);

    expect(rows.map((row) => [row.subject, row.result])).toEqual([
      [subject, 'INCOMPATIBLE'],
      [subject, 'INCOMPATIBLE'],
    ]);
    expect(rows[0]?.details.length).toBeGreaterThan(0);
  });

  it('should report a subject that is not registered yet as new, not as a failure', async () => {
    const [row] = await runSchemaCheck(registry, [{ subject: `${subject}-unregistered`, definition: v1 }]);

    expect(row?.result).toBe('new subject');
  });
});

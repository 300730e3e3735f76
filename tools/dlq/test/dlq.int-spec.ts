import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import {
  AVRO_SCHEMAS,
  CONSUMER_GROUPS,
  DLQ_HEADERS,
  REPLAY_OF_HEADER,
  REPLAY_TARGET_GROUP_HEADER,
} from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';
import { LOCAL_STACK_DEFAULTS } from '@opal/platform-config';
import { deadLetterRecord, type EventRecord } from '@opal/platform-kafka';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { freePort, spawnInWorkspace } from '@opal/platform-runtime/testing';

const brokers = (process.env['KAFKA_BROKERS'] ?? LOCAL_STACK_DEFAULTS.kafkaBrokers).split(',');
const registryUrl = process.env['SCHEMA_REGISTRY_URL'] ?? LOCAL_STACK_DEFAULTS.schemaRegistryUrl;
const kafka = new Kafka({ clientId: 'dlq-tool-test', brokers, logLevel: logLevel.NOTHING });
const registry = new SchemaRegistryClient({ url: registryUrl });

// Topics and subject of this run only; nobody else writes to them and they are deleted at the end.
const source = `test.dlqtool.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const dlq = `${source}.dlq`;
const idleDlq = `${source}-idle.dlq`;
const subject = `${source}-value`;
const { diagnostics, recommendations } = CONSUMER_GROUPS;
const GARBAGE = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x2a]);

async function runCli(...args: string[]) {
  return runCliWith({}, ...args);
}

async function runCliWith(env: Record<string, string>, ...args: string[]) {
  const run = spawnInWorkspace('node', ['dist/tools/dlq/main.js', ...args], env);
  let stdout = '';
  run.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await run.exited();
  return { code, output: run.output(), stdout };
}

const admin = kafka.admin();

async function highWaterMarks(topic: string): Promise<string[]> {
  return (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition).map((entry) => entry.high);
}

interface SourceRecord {
  partition: number;
  key: string | undefined;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Every record of `topic` up to its current high-water marks, read with a group of the test's own. */
async function readAll(topic: string): Promise<SourceRecord[]> {
  const expected = (await highWaterMarks(topic)).reduce((sum, high) => sum + Number(high), 0);
  const records: SourceRecord[] = [];
  if (expected === 0) return records;
  const groupId = `${topic}.reader.${randomBytes(3).toString('hex')}`;
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
        );
        records.push({ partition, key: message.key?.toString(), value: message.value, headers });
        if (records.length === expected) resolve();
      },
    });
  });
  await consumer.disconnect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  return records;
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The table rows of `list` (the tally lines also start with the topic, but hold no partition and offset). */
const tableRows = (stdout: string) => stdout.split('\n').filter((line) => /^\S+\s+\d+\s+\d+\s/.test(line));

const dlqToolGroups = async () =>
  (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.startsWith('opal-dlq-tool-'));

describe('dlq CLI (built, against the real Kafka and Schema Registry)', () => {
  const fixture = loadFixture('workflow.started');
  /** Offsets of the dead letters written in beforeAll, by name. */
  const at: Record<'valid' | 'garbage' | 'otherGroup' | 'foreign', string> = {
    valid: '',
    garbage: '',
    otherGroup: '',
    foreign: '',
  };
  let validValue: Buffer;

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({
      topics: [source, dlq, idleDlq].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
      waitForLeaders: true,
    });
    await registry.ensureSubject(subject, {
      schemaType: 'AVRO',
      schema: JSON.stringify(AVRO_SCHEMAS['workflow.started']),
    });
    validValue = await registry.encode(subject, fixture);

    const sourceHeaders = (eventId: string): IHeaders => ({
      event_type: Buffer.from('workflow.started'),
      event_id: Buffer.from(eventId),
      correlation_id: Buffer.from(`corr-${eventId}`),
    });
    const letter = (partition: number, offset: string, value: Buffer, group: string, eventId: string): EventRecord =>
      deadLetterRecord(
        {
          topic: source,
          partition,
          offset,
          timestamp: '1735689600000',
          key: Buffer.from(fixture.workflow_id),
          value,
          headers: sourceHeaders(eventId),
        },
        {
          group,
          attempts: 5,
          errorClass: 'TypeError',
          errorMessage: `handler failed on ${eventId}`,
          failedAt: new Date('2025-01-01T00:00:01Z'),
        },
      );
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const write = async (record: EventRecord) => {
      const [metadata] = await producer.send({
        topic: record.topic,
        acks: -1,
        messages: [{ partition: record.partition, key: record.key, value: record.value, headers: record.headers }],
      });
      return metadata?.baseOffset ?? '';
    };
    at.valid = await write(letter(1, '41', validValue, diagnostics, 'evt-valid'));
    at.garbage = await write(letter(1, '42', GARBAGE, diagnostics, 'evt-garbage'));
    at.otherGroup = await write(letter(2, '7', validValue, recommendations, 'evt-other'));
    at.foreign = await write({
      topic: dlq,
      partition: 0,
      key: 'k',
      value: Buffer.from('stray'),
      headers: { note: 'no dlq headers' },
    });
    await producer.disconnect();
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [source, dlq, idleDlq] }).catch(() => undefined);
    await admin.disconnect();
    for (const query of ['', '?permanent=true']) {
      await fetch(`${registryUrl}/subjects/${encodeURIComponent(subject)}${query}`, { method: 'DELETE' }).catch(
        () => undefined,
      );
    }
  });

  describe('list', () => {
    it('should list every dead letter of the DLQ with its failure headers, count them and stop', async () => {
      const groupsBefore = await dlqToolGroups();

      const result = await runCli('list', '--topic', source);

      expect(result.code).toBe(0);
      const rows = tableRows(result.stdout);
      expect(rows).toHaveLength(4);
      expect(rows[0]).toMatch(
        new RegExp(`^${literal(dlq)}\\s+0\\s+${at.foreign}\\s+-\\s+-\\s+-\\s+-\\s+\\(not a dead letter`),
      );
      expect(rows[1]?.split(/\s{2,}/)).toEqual([
        dlq,
        '1',
        at.valid,
        `${source}:1@41`,
        diagnostics,
        '5',
        'TypeError',
        'handler failed on evt-valid',
        '2025-01-01T00:00:01.000Z',
      ]);
      expect(rows[3]?.split(/\s{2,}/).slice(2, 5)).toEqual([at.otherGroup, `${source}:2@7`, recommendations]);
      expect(result.stdout).toContain(`${dlq}  4 records\n4 records in 1 DLQ topic\n`);
      expect(await dlqToolGroups()).toEqual(groupsBefore);
    });

    it('should print JSON lines of one group only, with the tally on stderr', async () => {
      const result = await runCli('list', '--topic', dlq, '--group', diagnostics, '--json');

      expect(result.code).toBe(0);
      const lines = result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((line) => line['offset'])).toEqual([at.valid, at.garbage]);
      expect(lines[0]).toMatchObject({
        dlqTopic: dlq,
        partition: 1,
        eventId: 'evt-valid',
        originalTopic: source,
        originalPartition: '1',
        originalOffset: '41',
        originalTimestamp: '1735689600000',
        consumerGroup: diagnostics,
        attempts: '5',
        errorClass: 'TypeError',
        errorMessage: 'handler failed on evt-valid',
        failedAt: '2025-01-01T00:00:01.000Z',
        problems: [],
      });
      expect(result.output).toContain(`4 records in 1 DLQ topic, 2 of group ${diagnostics}`);
    });

    it('should read every *.dlq topic when no topic is named', async () => {
      const result = await runCli('list', '--json', '--group', recommendations);

      expect(result.code).toBe(0);
      const ours = result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((row) => row['dlqTopic'] === dlq);
      expect(ours.map((row) => [row['partition'], row['offset'], row['eventId']])).toEqual([
        [2, at.otherGroup, 'evt-other'],
      ]);
      expect(result.output).toMatch(
        new RegExp(`(?:^|\\n)${literal(dlq)}\\s+4 records, 1 of group ${recommendations}\\n`),
      );
      expect(result.output).toMatch(new RegExp(`(?:^|\\n)${literal(idleDlq)}\\s+0 records, 0 of group`));
    });

    it('should honour --limit and say how many were shown', async () => {
      const result = await runCli('list', '--topic', dlq, '--limit', '1');

      expect(result.code).toBe(0);
      expect(tableRows(result.stdout)).toHaveLength(1);
      expect(result.stdout).toContain('4 records in 1 DLQ topic; 1 shown (--limit)');
    });

    it('should end at once on an empty DLQ', async () => {
      const result = await runCli('list', '--topic', idleDlq);

      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${idleDlq}  0 records\n0 records in 1 DLQ topic\n`);
    });

    it('should exit 1 with one line naming an unknown topic', async () => {
      const result = await runCli('list', '--topic', `${source}-missing`);

      expect(result.code).toBe(1);
      expect(result.output).toBe(
        `dlq: unknown topic ${source}-missing.dlq (the DLQ of ${source}-missing): no such topic on the cluster\n`,
      );
    });
  });

  describe('show', () => {
    it('should print every header and the value decoded through the registry', async () => {
      const result = await runCli('show', `${dlq}:1:${at.valid}`);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`record     ${dlq}:1:${at.valid}`);
      expect(result.stdout).toContain(`key        ${fixture.workflow_id}`);
      expect(result.stdout).toMatch(/\n {2}event_id\s+evt-valid\n/);
      expect(result.stdout).toMatch(new RegExp(`\\n  ${DLQ_HEADERS.consumerGroup}\\s+${diagnostics}\\n`));
      expect(result.stdout).toMatch(new RegExp(`\\n  ${DLQ_HEADERS.errorMessage}\\s+handler failed on evt-valid\\n`));
      expect(result.stdout).toContain(`schema id ${await registry.getLatestSchemaId(subject)}`);
      expect(result.stdout).toContain(`"workflow_id": "${fixture.workflow_id}"`);
    });

    it('should give the decoded value as JSON with --json', async () => {
      const result = await runCli('show', `${dlq}:1:${at.valid}`, '--json');

      expect(result.code).toBe(0);
      const shown = JSON.parse(result.stdout) as { value: { decoded: unknown }; headers: Record<string, string[]> };
      expect(shown.value.decoded).toEqual(fixture);
      expect(shown.headers[DLQ_HEADERS.originalOffset]).toEqual(['41']);
    });

    it('should report garbage bytes with the decode error and the raw bytes, as a normal case', async () => {
      const result = await runCli('show', `${dlq}:1:${at.garbage}`);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        'value      6 bytes, not decodable: UndecodableMessageError: Message cannot be decoded: magic byte is 222',
      );
      expect(result.stdout).toContain(`hex        ${GARBAGE.toString('hex')}`);
      expect(result.stdout).toContain(`base64     ${GARBAGE.toString('base64')}`);
    });

    it('should still show headers and raw bytes, and exit 1, when the registry cannot be reached', async () => {
      const result = await runCliWith(
        { SCHEMA_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` },
        'show',
        `${dlq}:1:${at.valid}`,
      );

      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/\n {2}event_id\s+evt-valid\n/);
      expect(result.stdout).toContain('not decoded (Schema Registry failed): SchemaRegistryUnavailableError');
      expect(result.stdout).toContain(`hex        ${validValue.toString('hex')}`);
      expect(result.output).toContain(
        `dlq: the value of ${dlq}:1:${at.valid} was not decoded: Schema Registry unavailable`,
      );
    });

    it('should exit 1 naming the offsets a partition holds when there is no such record', async () => {
      const result = await runCli('show', `${dlq}:1:999`);

      expect(result.code).toBe(1);
      expect(result.output).toBe(`dlq: no record at ${dlq}:1:999 (partition 1 holds offsets 0-1)\n`);
    });

    it('should exit 2 on a malformed selector', async () => {
      const result = await runCli('show', `${dlq}:one:2`);

      expect(result.code).toBe(2);
      expect(result.output).toContain(`dlq: bad record "${dlq}:one:2"`);
    });
  });

  describe('an unreachable broker', () => {
    it('should end the command with one line naming the brokers and exit 1', async () => {
      const result = await runCliWith({ KAFKA_BROKERS: `127.0.0.1:${await freePort()}` }, 'list');

      expect(result.code).toBe(1);
      expect(result.output).toMatch(/^dlq: cannot reach Kafka at 127\.0\.0\.1:\d+: .*ECONNREFUSED[^\n]*\n$/);
    });
  });

  describe('replay', () => {
    it('should write nothing on --dry-run and say what it would replay', async () => {
      const before = await highWaterMarks(source);

      const result = await runCli(
        'replay',
        '--topic',
        dlq,
        '--offset',
        `1:${at.garbage}`,
        '--group',
        diagnostics,
        '--dry-run',
      );

      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        `would replay ${dlq}:1:${at.garbage} → ${source}:1 (event_id evt-garbage, target group ${diagnostics})`,
      );
      expect(await highWaterMarks(source)).toEqual(before);
    });

    it('should refuse a record that failed in another group, explain why, and write nothing', async () => {
      const before = await highWaterMarks(source);

      const result = await runCli('replay', '--topic', dlq, '--offset', `2:${at.otherGroup}`, '--group', diagnostics);

      expect(result.code).toBe(1);
      expect(result.output).toContain(
        `${dlq}:2:${at.otherGroup} failed in consumer group ${recommendations}, not ${diagnostics}`,
      );
      expect(result.output).toContain('--force');
      expect(await highWaterMarks(source)).toEqual(before);
    });

    it('should take only the given group records with --all, leaving the others out', async () => {
      const result = await runCli('replay', '--topic', source, '--all', '--group', recommendations, '--dry-run');

      expect(result.code).toBe(0);
      expect(result.stdout.split('\n').filter((line) => line.startsWith('would replay'))).toEqual([
        `would replay ${dlq}:2:${at.otherGroup} → ${source}:2 (event_id evt-other, target group ${recommendations})`,
      ]);
      expect(result.stdout).toContain(`left out ${dlq}:0:${at.foreign} is not a valid dead letter`);
      expect(result.stdout).toContain(`left out ${dlq}:1:${at.valid} failed in consumer group ${diagnostics}`);
    });

    it('should republish to the original topic and partition with key, value and headers, addressed to the group', async () => {
      const result = await runCli('replay', '--topic', dlq, '--offset', `1:${at.valid}`, '--group', diagnostics);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        `replayed ${dlq}:1:${at.valid} → ${source}:1@0 (event_id evt-valid, target group ${diagnostics})`,
      );
      const records = await readAll(source);
      expect(records).toHaveLength(1);
      expect(records[0]).toEqual({
        partition: 1,
        key: fixture.workflow_id,
        value: validValue,
        headers: {
          event_type: 'workflow.started',
          event_id: 'evt-valid',
          correlation_id: 'corr-evt-valid',
          [REPLAY_TARGET_GROUP_HEADER]: diagnostics,
          [REPLAY_OF_HEADER]: `${dlq}:1:${at.valid}`,
        },
      });
    });

    it('should never have committed anything for the workers groups', async () => {
      for (const groupId of Object.values(CONSUMER_GROUPS)) {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [dlq] });
        expect(offsets?.partitions.map((partition) => partition.offset)).toEqual(['-1', '-1', '-1']);
      }
    });

    it('should exit 1 with one line naming an unknown DLQ topic', async () => {
      const result = await runCli('replay', '--topic', `${source}-missing.dlq`, '--all', '--group', diagnostics);

      expect(result.code).toBe(1);
      expect(result.output).toBe(`dlq: unknown topic ${source}-missing.dlq: no such topic on the cluster\n`);
    });
  });
});

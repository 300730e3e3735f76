// `npm run kafka:init` (init) and `npm run schemas:check` (check-schemas): the seed's
// scripts/kafka-init.sh as a typed CLI. `nx run kafka-init:access` grants each service of a secured
// stack the Kafka and Redis ACLs of the access plan (@opal/contracts), on every Redis node of the
// topology; `access redis` grants the Redis half alone. Prints a table of what it
// created, verified or found drifting; exits non-zero with one clear line on any failure.
import { Kafka } from 'kafkajs';
import { parseEnvOrExit } from '@opal/platform-config';
import { buildKafkaClientConfig } from '@opal/platform-kafka';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { runAccess, runRedisAccess, type AccessReport } from './access.command';
import { runBaseCheck, runSchemaCheck } from './check-schemas.command';
import { loadAccessRedisConfig } from './config/access.env';
import { KAFKA_INIT, loadKafkaInitConfig, type KafkaInitConfig } from './config/kafka-init.env';
import { EVENT_SUBJECT_SCHEMAS, readWorkingTreeSchemas } from './event-schemas';
import { openGitBase } from './git-base';
import { runInit } from './init.command';
import { addressOf, openRedisAclNodes, type RedisAclSessions } from './redis-acl-nodes';
import { formatTable } from './report-table';

async function init(config: KafkaInitConfig): Promise<number> {
  const admin = new Kafka(buildKafkaClientConfig(config.kafka, KAFKA_INIT)).admin();
  await admin.connect();
  try {
    const registry = new SchemaRegistryClient(config.schemaRegistry);
    const rows = await runInit({ admin, registry }, config.runtime.environment, EVENT_SUBJECT_SCHEMAS);
    console.log(`kafka-init (${config.runtime.environment} profile, brokers ${config.kafka.brokers.join(',')})\n`);
    console.log(formatTable(['kind', 'name', 'action', 'details'], rows.map((row) => [row.kind, row.name, row.action, row.details])));
    const drift = rows.filter((row) => row.action === 'drift').length;
    console.log(`\n${rows.length} items; ${drift ? `${drift} drifting (reported, not changed)` : 'no drift'}`);
    return 0;
  } finally {
    await admin.disconnect();
  }
}

async function checkSchemas(config: KafkaInitConfig): Promise<number> {
  // Nx and npm run the gate from the workspace root, and it judges that checkout's files.
  const root = process.cwd();
  const files = readWorkingTreeSchemas(root);
  const base = await openGitBase(root, config.schemasBase);
  const baseRows = await runBaseCheck(base, files);
  const registryRows = await runSchemaCheck(new SchemaRegistryClient(config.schemaRegistry), files);
  const rows = files.flatMap(({ subject }) => [...registryRows, ...baseRows].filter((row) => row.subject === subject));
  console.log(formatTable(['subject', 'against', 'result', 'details'], rows.map((row) => [row.subject, row.against, row.result, row.details])));
  const incompatible = rows.filter((row) => row.result === 'INCOMPATIBLE');
  if (incompatible.length === 0) return 0;
  console.error('');
  for (const row of incompatible) console.error(`schemas:check: ${row.subject} is not BACKWARD compatible with ${row.against}: ${row.details}`);
  console.error('schemas:check: see "Changing a schema" in libs/contracts/README.md');
  return 1;
}

/**
 * Kafka as KAFKA_USERNAME (a super user, or one allowed to alter and describe ACLs), Redis as
 * REDIS_USERNAME (allowed ACL GETUSER/SETUSER/SAVE, and CLUSTER NODES on a Cluster) on every data
 * node of the topology. Redis is always part of it: a secured stack has both, and a run that
 * granted Kafka alone must not look like success. `access redis` leaves Kafka alone.
 */
async function access(config: KafkaInitConfig, args: readonly string[]): Promise<number> {
  const [scope = 'all'] = args;
  if (scope !== 'all' && scope !== 'redis') {
    console.error(`${KAFKA_INIT} access: unknown scope "${scope}"; expected "redis" (Redis alone) or nothing (Kafka and Redis)`);
    return 2;
  }
  const redisConnection = parseEnvOrExit(() => loadAccessRedisConfig(process.env));
  const admin = scope === 'all' ? new Kafka(buildKafkaClientConfig(config.kafka, KAFKA_INIT)).admin() : undefined;
  let redis: RedisAclSessions | undefined;
  try {
    await admin?.connect();
    redis = await openRedisAclNodes(redisConnection);
    const report: AccessReport = admin ? await runAccess({ admin, redis: redis.nodes }) : await runRedisAccess(redis.nodes);
    const kafka = admin ? `brokers ${config.kafka.brokers.join(',')}, ` : '';
    console.log(`kafka-init access (${kafka}Redis ${describeRedis(redisConnection)}: ${redis.nodes.map((node) => node.address).join(', ')})\n`);
    console.log(formatTable(['kind', 'name', 'action', 'details'], report.rows.map((row) => [row.kind, row.name, row.action, row.details])));
    const drift = report.rows.filter((row) => row.action === 'drift').length;
    console.log(`\n${report.rows.length} items; ${drift ? `${drift} drifting (reported, not deleted)` : 'no drift'}`);
    console.log(
      report.redisSaved
        ? 'Redis ACLs saved to each node\'s ACL file'
        : 'a Redis node has no ACL file: its grants last until it restarts; run access again then',
    );
    return 0;
  } finally {
    await admin?.disconnect();
    redis?.close();
  }
}

function describeRedis(connection: ReturnType<typeof loadAccessRedisConfig>): string {
  if (connection.cluster) return `Cluster via ${connection.cluster.nodes.map(addressOf).join(',')}`;
  if (connection.sentinel) return `primary "${connection.sentinel.primaryName}" and its replicas via Sentinel`;
  return 'single node';
}

const COMMANDS = { init, 'check-schemas': checkSchemas, access } as const;

async function main() {
  const name = process.argv[2] ?? 'init';
  const command = name in COMMANDS ? COMMANDS[name as keyof typeof COMMANDS] : undefined;
  if (!command) {
    console.error(`${KAFKA_INIT}: unknown command "${name}"; expected one of: ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  return command(parseEnvOrExit(() => loadKafkaInitConfig(process.env)), process.argv.slice(3));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const code = error instanceof Error && 'code' in error ? ` [${String(error.code)}]` : '';
    console.error(`${KAFKA_INIT}: ${error instanceof Error ? error.message : String(error)}${code}`);
    process.exit(1);
  },
);

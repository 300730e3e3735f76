import {
  DIAGNOSTICS_KEY_PREFIX,
  RECOMMENDATIONS_KEY_PREFIX,
  WEBHOOK_IDEMPOTENCY_SCOPE,
  WEBHOOK_RATE_LIMIT_KEY_PREFIX,
  idempotencyScopePrefix,
} from './redis-key-prefixes';
import { CONSUMER_GROUPS, TOPIC_CATALOGUE, dlqTopicOf, topicOf, type ConsumerGroup } from './topic-catalogue';

/**
 * The services of a secured stack. Each connects to Kafka as the SCRAM user of its name
 * (principal `User:<name>`) and to Redis as the ACL user of its name (ARCHITECTURE.md §5).
 */
export const SERVICE_NAMES = ['ingest-gateway', 'diagnostics-worker', 'recommendations-worker', 'ops-console'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The topics a service reads, as one consumer group. */
export interface ConsumerAccess {
  /** The group it joins and commits offsets in. */
  group: ConsumerGroup;
  /** The topics it subscribes to. */
  topics: readonly string[];
}

/** What a service looks at without consuming: records read through throwaway groups, other groups' offsets. */
export interface InspectAccess {
  /** Topics whose records and offsets it reads. */
  topics: readonly string[];
  /** Prefix of the throwaway groups it reads with (`readerGroupPrefix`): it joins them, commits nothing, deletes them. */
  readerGroupPrefix: string;
  /** Consumer groups whose members and committed offsets it describes. */
  describesGroups: readonly string[];
}

/** Everything one service may do on Kafka and Redis; anything else is refused. */
export interface ServiceAccess {
  /** Topics it writes records to, dead letters included. */
  produces: readonly string[];
  /** What it consumes, or `null` for a service that consumes nothing. */
  consumes: ConsumerAccess | null;
  /** What it inspects, or `null` for a service that only produces and consumes. */
  inspects: InspectAccess | null;
  /** Prefixes of the only Redis keys it reads and writes. */
  redisKeyPrefixes: readonly string[];
}

const EVENT_TOPICS = TOPIC_CATALOGUE.map(({ topic }) => topic);

/** Whether `access` lets its service touch the Redis `key` (one of its prefixes starts it), as the ACL rules say. */
export const redisKeyGranted = (access: ServiceAccess, key: string): boolean =>
  access.redisKeyPrefixes.some((prefix) => key.startsWith(prefix));

/**
 * The groups a tool reads records with are `<clientId>-<uuid>`, one per read, deleted afterwards:
 * the ACL that lets it join and delete them is a prefix ACL on this.
 */
export const readerGroupPrefix = (clientId: string): string => `${clientId}-`;

/**
 * A worker's access: the DLQ twin of every topic it consumes (its consumer dead-letters there),
 * the topics it derives events into, its own Redis keys and its group's generic idempotency
 * records (the claim/complete interceptor is scoped to the group).
 */
function workerAccess(
  consumes: ConsumerAccess,
  own: { produces: readonly string[]; redisKeyPrefix: string },
): ServiceAccess {
  return {
    produces: [...consumes.topics.map(dlqTopicOf), ...own.produces],
    consumes,
    inspects: null,
    redisKeyPrefixes: [own.redisKeyPrefix, idempotencyScopePrefix(consumes.group)],
  };
}

/**
 * Least privilege for every service, built from the topic catalogue and the Redis key prefixes:
 * `kafka-init access` turns it into Kafka and Redis ACLs, and each worker's specs prove it matches
 * the topics its handlers subscribe to and produce to.
 */
export const ACCESS_PLAN: Readonly<Record<ServiceName, ServiceAccess>> = {
  'ingest-gateway': {
    produces: EVENT_TOPICS,
    consumes: null,
    inspects: null,
    redisKeyPrefixes: [idempotencyScopePrefix(WEBHOOK_IDEMPOTENCY_SCOPE), WEBHOOK_RATE_LIMIT_KEY_PREFIX],
  },
  'diagnostics-worker': workerAccess(
    { group: CONSUMER_GROUPS.diagnostics, topics: EVENT_TOPICS },
    { produces: [topicOf('decision.degraded')], redisKeyPrefix: DIAGNOSTICS_KEY_PREFIX },
  ),
  'recommendations-worker': workerAccess(
    {
      group: CONSUMER_GROUPS.recommendations,
      topics: [topicOf('decision.generated'), topicOf('user.preferences.updated')],
    },
    { produces: [], redisKeyPrefix: RECOMMENDATIONS_KEY_PREFIX },
  ),
  // Reads every event topic and DLQ, describes the workers' groups, and writes only replays (to the
  // event topics). In Redis it only answers readiness: no key at all.
  'ops-console': {
    produces: EVENT_TOPICS,
    consumes: null,
    inspects: {
      topics: [...EVENT_TOPICS, ...EVENT_TOPICS.map(dlqTopicOf)],
      readerGroupPrefix: readerGroupPrefix('ops-console'),
      describesGroups: Object.values(CONSUMER_GROUPS),
    },
    redisKeyPrefixes: [],
  },
};

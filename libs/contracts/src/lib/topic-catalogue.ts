import type { EventPayloadByType } from './generated/contracts.generated';

/**
 * The one list of OPAL event types, their topics, record keys and dead-letter twins
 * (ARCHITECTURE.md §2 and §4). Every producer, consumer and tool reads names from here.
 */
export const EVENT_TYPES = [
  'workflow.started',
  'agent.completed',
  'workflow.completed',
  'decision.generated',
  'knowledge.upserted',
  'decision.degraded',
  'user.preferences.updated',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface TopicDefinition {
  eventType: EventType;
  topic: string;
  dlqTopic: string;
  /** Schema Registry subject of the topic's values (`<topic>-value`, Confluent's TopicNameStrategy). */
  subject: string;
  /** Payload field whose value becomes the Kafka record key (keeps one entity on one partition). */
  keyField: string;
}

/** The string fields of an event type's payload, the only fields that can key its records. */
type StringFieldOf<T extends EventType> = {
  [F in keyof EventPayloadByType[T]]: EventPayloadByType[T][F] extends string ? F : never;
}[keyof EventPayloadByType[T]];

const KEY_FIELDS: { [T in EventType]: StringFieldOf<T> } = {
  'workflow.started': 'workflow_id',
  'agent.completed': 'workflow_id',
  'workflow.completed': 'workflow_id',
  'decision.generated': 'workflow_id',
  'knowledge.upserted': 'knowledge_id',
  'decision.degraded': 'workflow_id',
  'user.preferences.updated': 'user_id',
};

export const topicOf = (eventType: EventType): string => `opal.${eventType}`;
export const dlqTopicOf = (topic: string): string => `${topic}.dlq`;
/** The Schema Registry subject of a topic's values. */
export const subjectOf = (topic: string): string => `${topic}-value`;

export const isEventType = (value: unknown): value is EventType =>
  typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);

export const TOPIC_CATALOGUE: readonly TopicDefinition[] = EVENT_TYPES.map((eventType) => ({
  eventType,
  topic: topicOf(eventType),
  dlqTopic: dlqTopicOf(topicOf(eventType)),
  subject: subjectOf(topicOf(eventType)),
  keyField: KEY_FIELDS[eventType],
}));

export const CONSUMER_GROUPS = {
  diagnostics: 'opal-diagnostics',
  recommendations: 'opal-recommendations',
} as const;

export type ConsumerGroup = (typeof CONSUMER_GROUPS)[keyof typeof CONSUMER_GROUPS];

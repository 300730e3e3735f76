import type { SchemaDefinition } from '../src';

const executionStatus = {
  type: 'enum',
  name: 'ExecutionStatus',
  symbols: ['success', 'failure', 'partial', 'timeout'],
};

const agentData = {
  type: 'record',
  name: 'AgentData',
  fields: [
    { name: 'recommendations', type: { type: 'array', items: 'string' } },
    { name: 'confidence_score', type: ['null', 'double'], default: null },
  ],
};

const baseFields = [
  { name: 'event_id', type: 'string' },
  { name: 'workflow_id', type: 'string' },
  { name: 'offset', type: 'int' },
  { name: 'execution_status', type: executionStatus },
  { name: 'processing_time_ms', type: 'long' },
  { name: 'agent_data', type: agentData },
  { name: 'error_message', type: ['null', 'string'], default: null },
];

const avro = (fields: unknown[]): SchemaDefinition => ({
  schemaType: 'AVRO',
  schema: JSON.stringify({ type: 'record', name: 'AgentCompleted', namespace: 'com.opal.test', fields }),
});

/** An agent.completed-like record: nested record, array, nullable unions, enum. */
export const agentCompletedV1 = avro(baseFields);

/** v1 plus an optional field defaulting to null: BACKWARD compatible. */
export const agentCompletedV2 = avro([...baseFields, { name: 'session_id', type: ['null', 'string'], default: null }]);

/** v2 plus a field without default: new readers cannot read old records, so not BACKWARD compatible. */
export const withNewRequiredField = avro([
  ...baseFields,
  { name: 'session_id', type: ['null', 'string'], default: null },
  { name: 'client_name', type: 'string' },
]);

/** v2 with `offset` changed from int to string: not BACKWARD compatible. */
export const withChangedFieldType = avro([
  ...baseFields.map((field) => (field.name === 'offset' ? { name: 'offset', type: 'string' } : field)),
  { name: 'session_id', type: ['null', 'string'], default: null },
]);

/** v2 without `workflow_id` (no default): fine for BACKWARD, refused under FORWARD. */
export const withRemovedField = avro([
  ...baseFields.filter((field) => field.name !== 'workflow_id'),
  { name: 'session_id', type: ['null', 'string'], default: null },
]);

export const validAgentCompleted = {
  event_id: 'evt-1',
  workflow_id: 'wf-1',
  offset: 2,
  execution_status: 'success',
  processing_time_ms: 1234,
  agent_data: { recommendations: ['tighten copy', 'add alt text'], confidence_score: 0.87 },
  error_message: null,
};

const proto = (body: string): SchemaDefinition => ({
  schemaType: 'PROTOBUF',
  schema: `syntax = "proto3";\npackage opal.test;\n\n${body}`,
});

/** Protobuf field names are camelCase in JS (protobufjs converts `workflow_id` to `workflowId`). */
export const pingV1 = proto(
  `message Ping {\n  string workflow_id = 1;\n  int32 count = 2;\n  repeated string tags = 3;\n}\n`,
);
export const pingV2 = proto(
  `message Ping {\n  string workflow_id = 1;\n  int32 count = 2;\n  repeated string tags = 3;\n  string note = 4;\n}\n`,
);
export const pingWithChangedType = proto(
  `message Ping {\n  string workflow_id = 1;\n  string count = 2;\n  repeated string tags = 3;\n}\n`,
);

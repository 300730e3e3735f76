import ProtoSchema from '@kafkajs/confluent-schema-registry/dist/ProtoSchema';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { Type } from 'avsc';
import { validatePayload } from './payload-validator';

const agentCompleted = Type.forSchema({
  type: 'record',
  name: 'AgentCompleted',
  namespace: 'com.opal.test',
  fields: [
    { name: 'workflow_id', type: 'string' },
    { name: 'offset', type: 'int' },
    { name: 'processing_time_ms', type: 'long' },
    {
      name: 'execution_status',
      type: { type: 'enum', name: 'ExecutionStatus', symbols: ['success', 'failure', 'partial', 'timeout'] },
    },
    {
      name: 'agent_data',
      type: {
        type: 'record',
        name: 'AgentData',
        fields: [
          { name: 'recommendations', type: { type: 'array', items: 'string' } },
          { name: 'confidence_score', type: ['null', 'double'], default: null },
        ],
      },
    },
    { name: 'preferences', type: { type: 'map', values: 'string' }, default: {} },
    { name: 'error_message', type: ['null', 'string'], default: null },
  ],
});

const valid = {
  workflow_id: 'wf-1',
  offset: 1,
  processing_time_ms: 1500,
  execution_status: 'success',
  agent_data: { recommendations: ['a', 'b'], confidence_score: 0.9 },
  preferences: { tone: 'formal' },
  error_message: null,
};

const without = (record: Record<string, unknown>, ...fields: string[]) =>
  Object.fromEntries(Object.entries(record).filter(([name]) => !fields.includes(name)));

describe(validatePayload.name, () => {
  describe('Avro', () => {
    it('should accept a valid payload', () => {
      expect(validatePayload(agentCompleted, valid)).toEqual([]);
    });

    it('should accept a payload that omits fields with defaults', () => {
      const payload = without(valid, 'preferences', 'error_message');

      expect(validatePayload(agentCompleted, { ...payload, agent_data: { recommendations: [] } })).toEqual([]);
    });

    it('should name a nested union field and the expected branches, null last', () => {
      const payload = { ...valid, agent_data: { recommendations: ['a'], confidence_score: 'high' } };

      expect(validatePayload(agentCompleted, payload)).toEqual([
        { path: 'agent_data.confidence_score', message: 'expected double | null, got "high"' },
      ]);
    });

    it('should index array items', () => {
      const payload = { ...valid, agent_data: { recommendations: ['a', 42, 'c', null] } };

      expect(validatePayload(agentCompleted, payload)).toEqual([
        { path: 'agent_data.recommendations[1]', message: 'expected string, got 42' },
        { path: 'agent_data.recommendations[3]', message: 'expected string, got null' },
      ]);
    });

    it('should list the symbols of an enum', () => {
      expect(validatePayload(agentCompleted, { ...valid, execution_status: 'done' })).toEqual([
        {
          path: 'execution_status',
          message: 'expected enum ExecutionStatus (success | failure | partial | timeout), got "done"',
        },
      ]);
    });

    it('should report missing required fields, nested ones included', () => {
      const payload = { ...without(valid, 'workflow_id'), agent_data: {} };

      expect(validatePayload(agentCompleted, payload)).toEqual([
        { path: 'workflow_id', message: 'required field missing, expected string' },
        { path: 'agent_data.recommendations', message: 'required field missing, expected array<string>' },
      ]);
    });

    it('should name map entries by key', () => {
      const payload = { ...valid, preferences: { tone: 1, 'max.items': true } };

      expect(validatePayload(agentCompleted, payload)).toEqual([
        { path: 'preferences.tone', message: 'expected string, got 1' },
        { path: 'preferences["max.items"]', message: 'expected string, got true' },
      ]);
    });

    it('should collect every error of one payload', () => {
      const payload = {
        ...valid,
        offset: 1.5,
        processing_time_ms: '10',
        agent_data: 'none',
        preferences: ['x'],
      };

      expect(validatePayload(agentCompleted, payload)).toEqual([
        { path: 'offset', message: 'expected int, got 1.5' },
        { path: 'processing_time_ms', message: 'expected long, got "10"' },
        { path: 'agent_data', message: 'expected record AgentData, got "none"' },
        { path: 'preferences', message: 'expected map<string>, got an array' },
      ]);
    });

    it('should report a payload that is not an object at the root', () => {
      expect(validatePayload(agentCompleted, null)).toEqual([
        { path: '', message: 'expected record AgentCompleted, got null' },
      ]);
    });

    it('should shorten long strings in messages', () => {
      const [error] = validatePayload(agentCompleted, { ...valid, offset: 'x'.repeat(500) });

      expect(error?.message.length).toBeLessThan(100);
    });
  });

  describe('Protobuf', () => {
    const ping = new ProtoSchema({
      type: SchemaType.PROTOBUF,
      schema:
        'syntax = "proto3";\npackage opal.test;\nmessage Ping {\n  string workflow_id = 1;\n  int32 count = 2;\n  Detail detail = 3;\n}\nmessage Detail {\n  repeated string tags = 1;\n}\n',
    });

    it('should accept a valid payload (camelCase field names)', () => {
      expect(validatePayload(ping, { workflowId: 'wf', count: 2, detail: { tags: ['a'] } })).toEqual([]);
    });

    it('should turn the protobufjs verify message into a path and an expectation', () => {
      expect(validatePayload(ping, { workflowId: 'wf', count: 'two' })).toEqual([
        { path: 'count', message: 'expected integer' },
      ]);
      expect(validatePayload(ping, { workflowId: 'wf', detail: { tags: [1] } })).toEqual([
        { path: 'detail.tags', message: 'expected string[]' },
      ]);
    });
  });
});

import {
  ENVELOPE_FIELDS,
  type SchemaSource,
  generateContracts,
  publishMethodOf,
  readSchemaSources,
} from './contracts-codegen.cjs';

const sourceOf = (eventType: string): SchemaSource => {
  const source = readSchemaSources().find((candidate) => candidate.eventType === eventType);
  if (!source) throw new Error(`no schema for ${eventType}`);
  return structuredClone(source);
};

describe('contracts-codegen', () => {
  describe('generateContracts', () => {
    it('should map longs to number, optionals to T | null, enums to unions and maps to Record', () => {
      const code = generateContracts([sourceOf('workflow.started'), sourceOf('agent.completed')]);
      expect(code).toContain("export type Environment = 'development' | 'staging' | 'production';");
      expect(code).toContain('export interface WorkflowStartedEvent extends EventEnvelope {');
      expect(code).toContain('  estimated_duration_ms: number | null;');
      expect(code).toContain('  preferences: Record<string, string> | null;');
      expect(code).toContain("export type ExecutionStatus = 'success' | 'failure' | 'partial' | 'timeout';");
      expect(code).toContain('  agent_data: AgentData;');
      expect(code).toContain('  recommendations: string[];');
      expect(code).toContain("  'workflow.started': WorkflowStartedEvent;");
    });

    it('should declare a type shared by several schemas once', () => {
      const code = generateContracts([sourceOf('workflow.started'), sourceOf('agent.completed')]);
      expect(code.match(/export type Environment /g)).toHaveLength(1);
    });

    it('should reject a schema that does not start with the envelope', () => {
      const broken = sourceOf('workflow.started');
      broken.schema.fields = broken.schema.fields.filter((field) => field.name !== 'correlation_id');
      expect(() => generateContracts([broken])).toThrow(
        `must start with the envelope fields ${ENVELOPE_FIELDS.join(', ')}`,
      );
    });

    it('should reject envelope fields that differ between schemas', () => {
      const other = sourceOf('agent.completed');
      other.schema.fields[0] = {
        ...other.schema.fields[0],
        doc: 'changed',
      } as SchemaSource['schema']['fields'][number];
      expect(() => generateContracts([sourceOf('workflow.started'), other])).toThrow(
        'Envelope field schema_version of agent.completed.avsc differs from workflow.started.avsc',
      );
    });

    it('should reject a named type defined differently in two schemas', () => {
      const other = sourceOf('knowledge.upserted');
      const severity = { type: 'enum', name: 'Severity', symbols: ['low', 'high'] };
      other.schema.fields.push({ name: 'severity', type: severity, default: 'low' } as { name: string });
      expect(() => generateContracts([sourceOf('decision.degraded'), other])).toThrow(
        'Severity in knowledge.upserted.avsc differs from its definition in decision.degraded.avsc',
      );
    });

    it('should write one typed publish method per event type, delegating to publishEvent', () => {
      const code = generateContracts([sourceOf('workflow.started'), sourceOf('user.preferences.updated')]);
      expect(code).toContain('export abstract class TypedEventPublisher<Options, Result> {');
      expect(code).toContain('  publishWorkflowStarted(data: WorkflowStartedData, options?: Options): Promise<Result> {');
      expect(code).toContain("    return this.publishEvent('user.preferences.updated', data, options);");
      expect(code).toContain("  'workflow.started': 'publishWorkflowStarted',");
      expect(code).not.toContain('publishAgentCompleted');
    });

    it('should let a sender leave out the fields that have an Avro default, nested ones too', () => {
      const code = generateContracts([sourceOf('workflow.started'), sourceOf('agent.completed')]);
      expect(code).toContain(
        "export type WorkflowStartedData = WithDefaults<Omit<WorkflowStartedEvent, keyof EventEnvelope>, 'session_id' | 'preferences' | 'estimated_duration_ms'>;",
      );
      expect(code).toContain("export type AgentDataInput = WithDefaults<AgentData, 'confidence_score'>;");
      expect(code).toContain('& { agent_data: AgentDataInput }');
      expect(code).toContain("  'agent.completed': AgentCompletedData;");
    });

    it('should reject a schema avsc cannot parse', () => {
      const broken = sourceOf('workflow.completed');
      broken.schema.fields[6] = { name: 'status', type: 'not-a-type' } as { name: string };
      expect(() => generateContracts([broken])).toThrow('workflow.completed.avsc is not a valid Avro schema');
    });
  });

  describe('publishMethodOf', () => {
    it('should name the method publish + the event type in PascalCase', () => {
      expect(publishMethodOf('user.preferences.updated')).toBe('publishUserPreferencesUpdated');
    });
  });
});

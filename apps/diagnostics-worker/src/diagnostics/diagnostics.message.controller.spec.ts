import { PATTERN_HANDLER_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { PatternHandler } from '@nestjs/microservices/enums/pattern-handler.enum';
import { EVENT_TYPES, topicOf, type EventType } from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';
import { DiagnosticsMessageController } from './diagnostics.message.controller';
import type { DiagnosticsService } from './diagnostics.service';

/** Each handler delegates to the service method of the same name. */
const HANDLERS = {
  'workflow.started': 'onWorkflowStarted',
  'agent.completed': 'onAgentCompleted',
  'workflow.completed': 'onWorkflowCompleted',
  'decision.generated': 'onDecisionGenerated',
  'knowledge.upserted': 'onKnowledgeUpserted',
  'decision.degraded': 'onDecisionDegraded',
  'user.preferences.updated': 'onPreferencesUpdated',
} as const satisfies Record<EventType, keyof DiagnosticsMessageController & keyof DiagnosticsService>;

describe(DiagnosticsMessageController.name, () => {
  const service = {
    onWorkflowStarted: jest.fn(),
    onAgentCompleted: jest.fn(),
    onWorkflowCompleted: jest.fn(),
    onDecisionGenerated: jest.fn(),
    onKnowledgeUpserted: jest.fn(),
    onDecisionDegraded: jest.fn(),
    onPreferencesUpdated: jest.fn(),
  };
  const controller = new DiagnosticsMessageController(service as unknown as DiagnosticsService);

  beforeEach(() => jest.resetAllMocks());

  it('should handle every event type', () => {
    const topics = Object.getOwnPropertyNames(DiagnosticsMessageController.prototype)
      .filter((name) => name !== 'constructor')
      .flatMap(
        (name) =>
          Reflect.getMetadata(PATTERN_METADATA, Reflect.get(DiagnosticsMessageController.prototype, name)) as string[],
      );

    expect(topics.sort()).toEqual(EVENT_TYPES.map(topicOf).sort());
  });

  describe.each(EVENT_TYPES.map((type) => [HANDLERS[type], type] as const))('%s', (method, eventType) => {
    it(`should be the event handler of ${topicOf(eventType)}`, () => {
      const handler = Reflect.get(DiagnosticsMessageController.prototype, method) as object;

      expect(Reflect.getMetadata(PATTERN_METADATA, handler)).toEqual([topicOf(eventType)]);
      expect(Reflect.getMetadata(PATTERN_HANDLER_METADATA, handler)).toBe(PatternHandler.EVENT);
    });

    it('should hand the event to the service and report it applied', async () => {
      const event = loadFixture(eventType);
      const serviceMethod = service[method];
      serviceMethod.mockResolvedValue({ applied: true, alerts: [] });

      await expect((controller[method] as (payload: unknown) => Promise<unknown>)(event)).resolves.toBe('applied');

      expect(serviceMethod).toHaveBeenCalledWith(event);
    });

    it('should report an event the apply script had applied already as a duplicate', async () => {
      service[method].mockResolvedValue({ applied: false, alerts: [] });

      await expect((controller[method] as (payload: unknown) => Promise<unknown>)(loadFixture(eventType))).resolves.toBe('duplicate');
    });

    it('should reject when the service fails, so the pipeline can retry', async () => {
      const failure = new Error('Connection is closed.');
      service[method].mockRejectedValue(failure);

      await expect((controller[method] as (payload: unknown) => Promise<unknown>)(loadFixture(eventType))).rejects.toBe(
        failure,
      );
    });
  });
});

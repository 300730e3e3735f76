import { PATTERN_EXTRAS_METADATA, PATTERN_HANDLER_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { PatternHandler } from '@nestjs/microservices/enums/pattern-handler.enum';
import { EVENT_TYPES, topicOf, type EventType } from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';
import { KEY_GROUP_EXTRAS } from '@opal/platform-kafka';
import { DiagnosticsMessageController } from './diagnostics.message.controller';
import type { DiagnosticsService } from './diagnostics.service';

/** These handlers delegate one event at a time to the service method of the same name. */
const EACH_IN_ORDER = {
  'workflow.started': 'onWorkflowStarted',
  'workflow.completed': 'onWorkflowCompleted',
  'decision.generated': 'onDecisionGenerated',
  'knowledge.upserted': 'onKnowledgeUpserted',
  'decision.degraded': 'onDecisionDegraded',
  'user.preferences.updated': 'onPreferencesUpdated',
} as const satisfies Record<
  Exclude<EventType, 'agent.completed'>,
  keyof DiagnosticsMessageController & keyof DiagnosticsService
>;

/** Agent results go to the service as the key group (`onAgentResults`). */
const HANDLERS = { ...EACH_IN_ORDER, 'agent.completed': 'onAgentCompleted' } as const satisfies Record<
  EventType,
  keyof DiagnosticsMessageController
>;

describe(DiagnosticsMessageController.name, () => {
  const service = {
    onWorkflowStarted: jest.fn(),
    onAgentResults: jest.fn(),
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
      expect(Reflect.getMetadata(PATTERN_EXTRAS_METADATA, handler)).toEqual(KEY_GROUP_EXTRAS);
    });
  });

  it("should hand a workflow's agent results to the service as the group and report each", async () => {
    const events = [0, 1, 2].map((i) => ({ ...loadFixture('agent.completed'), event_id: `event-${i}` }));
    service.onAgentResults.mockResolvedValue([
      { applied: true, alerts: [] },
      { applied: false, alerts: [] },
      { applied: true, alerts: [] },
    ]);

    await expect(controller.onAgentCompleted(events)).resolves.toEqual(['applied', 'duplicate', 'applied']);

    expect(service.onAgentResults).toHaveBeenCalledWith(events);
  });

  describe.each(Object.entries(EACH_IN_ORDER).map(([type, method]) => [method, type as EventType] as const))(
    '%s',
    (method, eventType) => {
      const handle = (events: unknown[]) => (controller[method] as (payload: unknown[]) => Promise<unknown>)(events);

      it("should hand a key's events to the service in offset order, all before any has finished, and report each", async () => {
        const events = [0, 1, 2].map((i) => ({ ...loadFixture(eventType), event_id: `event-${i}` }));
        const serviceMethod = service[method];
        const calledBeforeAnyFinished: number[] = [];
        serviceMethod.mockImplementation(async (event: { event_id: string }) => {
          calledBeforeAnyFinished.push(serviceMethod.mock.calls.length);
          await Promise.resolve();
          return { applied: event.event_id !== 'event-1', alerts: [] };
        });

        await expect(handle(events)).resolves.toEqual(['applied', 'duplicate', 'applied']);

        expect(serviceMethod.mock.calls.map(([event]) => (event as { event_id: string }).event_id)).toEqual([
          'event-0',
          'event-1',
          'event-2',
        ]);
        expect(calledBeforeAnyFinished).toEqual([1, 2, 3]);
      });

      it('should reject with the failure once every event of the group has settled, so the pipeline can go one by one', async () => {
        const failure = new Error('Connection is closed.');
        let settled = 0;
        service[method].mockImplementation(async (event: { event_id: string }) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          settled += 1;
          if (event.event_id === 'bad') throw failure;
          return { applied: true, alerts: [] };
        });

        await expect(handle([{ event_id: 'bad' }, { event_id: 'good' }])).rejects.toBe(failure);

        expect(settled).toBe(2);
      });
    },
  );
});

import { PATTERN_EXTRAS_METADATA, PATTERN_HANDLER_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { PatternHandler } from '@nestjs/microservices/enums/pattern-handler.enum';
import { topicOf } from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';
import { KEY_GROUP_EXTRAS } from '@opal/platform-kafka';
import { RecommendationsMessageController } from './recommendations.message.controller';
import type { RecommendationsService } from './recommendations.service';

describe(RecommendationsMessageController.name, () => {
  const service = { personaliseDecisions: jest.fn(), applyPreferences: jest.fn() };
  const controller = new RecommendationsMessageController(service as unknown as RecommendationsService);

  beforeEach(() => jest.resetAllMocks());

  it.each([
    ['onDecisionGenerated', topicOf('decision.generated')],
    ['onPreferencesUpdated', topicOf('user.preferences.updated')],
  ] as const)('should register %s as an event handler of %s', (method, topic) => {
    const handler = RecommendationsMessageController.prototype[method];

    expect(Reflect.getMetadata(PATTERN_METADATA, handler)).toEqual([topic]);
    expect(Reflect.getMetadata(PATTERN_HANDLER_METADATA, handler)).toBe(PatternHandler.EVENT);
    expect(Reflect.getMetadata(PATTERN_EXTRAS_METADATA, handler)).toEqual(KEY_GROUP_EXTRAS);
  });

  describe('onDecisionGenerated', () => {
    it("should personalise the group's decisions together and report each applied or duplicate", async () => {
      const event = loadFixture('decision.generated');
      const second = { ...event, event_id: 'second', decision_id: 'second' };
      service.personaliseDecisions.mockResolvedValue([
        { stored: true, decision: {} },
        { stored: false, decision: {} },
      ]);

      await expect(controller.onDecisionGenerated([event, second])).resolves.toEqual(['applied', 'duplicate']);

      expect(service.personaliseDecisions.mock.calls).toEqual([[[event, second]]]);
    });

    it('should reject when the service fails, so the pipeline can retry', async () => {
      const failure = new Error('Connection is closed.');
      service.personaliseDecisions.mockRejectedValue(failure);

      await expect(controller.onDecisionGenerated([loadFixture('decision.generated')])).rejects.toBe(failure);
    });
  });

  describe('onPreferencesUpdated', () => {
    it('should apply the preferences and report them applied', async () => {
      const event = loadFixture('user.preferences.updated');
      service.applyPreferences.mockResolvedValue('stored');

      await expect(controller.onPreferencesUpdated([event])).resolves.toEqual(['applied']);

      expect(service.applyPreferences).toHaveBeenCalledWith(event);
    });

    it.each([
      ['stale', 'applied'],
      ['redelivered', 'duplicate'],
    ] as const)('should report %s preferences as %s', async (write, outcome) => {
      service.applyPreferences.mockResolvedValue(write);

      await expect(controller.onPreferencesUpdated([loadFixture('user.preferences.updated')])).resolves.toEqual([
        outcome,
      ]);
    });

    it('should reject when the service fails, so the pipeline can retry', async () => {
      const failure = new Error('Connection is closed.');
      service.applyPreferences.mockRejectedValue(failure);

      await expect(controller.onPreferencesUpdated([loadFixture('user.preferences.updated')])).rejects.toBe(failure);
    });
  });
});

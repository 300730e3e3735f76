import { ACCESS_PLAN, SERVICE_NAMES } from './access-plan';

describe('access plan', () => {
  it('should plan every service, and only those', () => {
    expect(Object.keys(ACCESS_PLAN).sort()).toEqual([...SERVICE_NAMES].sort());
  });

  describe('ingest-gateway', () => {
    const access = ACCESS_PLAN['ingest-gateway'];

    it('should produce the seven event topics, no dead letters, and consume nothing', () => {
      expect(access.produces).toEqual([
        'opal.workflow.started',
        'opal.agent.completed',
        'opal.workflow.completed',
        'opal.decision.generated',
        'opal.knowledge.upserted',
        'opal.decision.degraded',
        'opal.user.preferences.updated',
      ]);
      expect(access.consumes).toBeNull();
    });

    it('should own the webhook delivery records and rate-limit windows in Redis', () => {
      expect(access.redisKeyPrefixes).toEqual(['opal:idempotency:webhook:', 'opal:ratelimit:webhook:']);
    });
  });

  describe('diagnostics-worker', () => {
    const access = ACCESS_PLAN['diagnostics-worker'];

    it('should consume every event topic in opal-diagnostics', () => {
      expect(access.consumes).toEqual({ group: 'opal-diagnostics', topics: ACCESS_PLAN['ingest-gateway'].produces });
    });

    it('should produce the dead letters of what it consumes and opal.decision.degraded', () => {
      expect(access.produces).toEqual([
        'opal.workflow.started.dlq',
        'opal.agent.completed.dlq',
        'opal.workflow.completed.dlq',
        'opal.decision.generated.dlq',
        'opal.knowledge.upserted.dlq',
        'opal.decision.degraded.dlq',
        'opal.user.preferences.updated.dlq',
        'opal.decision.degraded',
      ]);
    });

    it("should own its state and its group's idempotency records in Redis", () => {
      expect(access.redisKeyPrefixes).toEqual(['opal:diagnostics:', 'opal:idempotency:opal-diagnostics:']);
    });
  });

  describe('recommendations-worker', () => {
    const access = ACCESS_PLAN['recommendations-worker'];

    it('should consume decisions and preferences in opal-recommendations and produce their dead letters', () => {
      expect(access.consumes).toEqual({
        group: 'opal-recommendations',
        topics: ['opal.decision.generated', 'opal.user.preferences.updated'],
      });
      expect(access.produces).toEqual(['opal.decision.generated.dlq', 'opal.user.preferences.updated.dlq']);
    });

    it("should own its state and its group's idempotency records in Redis", () => {
      expect(access.redisKeyPrefixes).toEqual(['opal:recommendations:', 'opal:idempotency:opal-recommendations:']);
    });
  });

  describe('ops-console', () => {
    const access = ACCESS_PLAN['ops-console'];

    it('should read every event topic and DLQ through its own throwaway groups and describe the workers\' groups', () => {
      expect(access.inspects).toEqual({
        topics: [...ACCESS_PLAN['ingest-gateway'].produces, ...ACCESS_PLAN['diagnostics-worker'].produces.filter((topic) => topic.endsWith('.dlq'))],
        readerGroupPrefix: 'ops-console-',
        describesGroups: ['opal-diagnostics', 'opal-recommendations'],
      });
      expect(access.consumes).toBeNull();
    });

    it('should write replays to the event topics only, never a dead letter', () => {
      expect(access.produces).toEqual(ACCESS_PLAN['ingest-gateway'].produces);
    });

    it('should touch no Redis key', () => {
      expect(access.redisKeyPrefixes).toEqual([]);
    });
  });

  it('should give no two services the same Redis prefix, nor one inside another', () => {
    const prefixes = SERVICE_NAMES.flatMap((service) => ACCESS_PLAN[service].redisKeyPrefixes);
    for (const prefix of prefixes) {
      expect(prefixes.filter((other) => other.startsWith(prefix))).toEqual([prefix]);
    }
  });
});

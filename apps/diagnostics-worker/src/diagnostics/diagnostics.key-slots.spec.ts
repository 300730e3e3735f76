import { randomUUID } from 'node:crypto';
import { redisKeyShardOf, type EventPayloadByType, type EventType } from '@opal/contracts';
import { loadFixture } from '@opal/contracts/testing';
import type { RedisClient } from '@opal/platform-idempotency';
import { resolveDiagnosticsOptions } from './diagnostics.module';
import { AGENT_RESULTS_PER_CALL, DiagnosticsRepository } from './diagnostics.repository';
import { DIAGNOSTICS_SCRIPTS, type DiagnosticsScriptName } from './diagnostics.scripts';

const options = resolveDiagnosticsOptions({
  thresholds: { agentFailureRate: 0.5, minAgentEvents: 3, durationFactor: 2, minConfidence: 0.5 },
});

/**
 * The part of a key Redis Cluster hashes to pick its slot (the cluster spec's HASH_SLOT): what is
 * between the first `{` and the first `}` after it when that is not empty, else the whole key.
 */
function hashedPart(key: string): string {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

interface ScriptCall {
  script: DiagnosticsScriptName;
  keys: string[];
  /** The argument ioredis' auto-pipelining groups a command of the client by: it takes it for a key. */
  first: string | number | undefined;
}

/** Records the keys of every script call, as ioredis hands them to EVALSHA, and replies as the scripts do. */
class RecordingRedis {
  readonly calls: ScriptCall[] = [];
  private readonly definitions = new Map<DiagnosticsScriptName, { numberOfKeys?: number }>();

  defineCommand(name: DiagnosticsScriptName, definition: { numberOfKeys?: number }): void {
    this.definitions.set(name, definition);
    Object.assign(this, { [name]: async (...args: Array<string | number>) => this.call(name, args) });
  }

  private async call(script: DiagnosticsScriptName, args: Array<string | number>) {
    const first = args[0];
    // Without a fixed count the caller passes it first, as EVALSHA takes it.
    const count = this.definitions.get(script)?.numberOfKeys ?? Number(args.shift());
    this.calls.push({ script, keys: args.slice(0, count).map(String), first });
    return replyOf(script);
  }
}

function replyOf(script: DiagnosticsScriptName): unknown {
  switch (script) {
    case 'opalDiagnosticsApplyAgentResults':
      return [[], [], []];
    case 'opalDiagnosticsApplyWorkflowStarted':
    case 'opalDiagnosticsApplyWorkflowCompleted':
    case 'opalDiagnosticsApplyDecisionGenerated':
      return [1, [], []];
    case 'opalDiagnosticsApplyAgentStatistics':
    case 'opalDiagnosticsApplyCounted':
    case 'opalDiagnosticsApplyDecisionDegraded':
    case 'opalDiagnosticsMarkDegradedAndClaimAlert':
    case 'opalDiagnosticsCompleteAlert':
    case 'opalDiagnosticsReleaseAlert':
      return 1;
  }
}

const event = <T extends EventType>(type: T, overrides: Partial<EventPayloadByType[T]>): EventPayloadByType[T] => ({
  ...loadFixture(type),
  event_id: randomUUID(),
  ...overrides,
});

/** The shard tag an id's keys carry, as the hashed part of a key. */
const tagOf = (id: string) => `s${redisKeyShardOf(id)}`;

/**
 * Redis Cluster refuses a script whose keys hash to different slots (CROSSSLOT). Every script call
 * the repository makes must therefore take keys of one hash tag: the shard of the workflow, agent or
 * event the call is about, placed right after the key prefix (the ACL grants `<prefix>*`).
 */
describe(`${DiagnosticsRepository.name} on Redis Cluster: the keys of each script call`, () => {
  let redis: RecordingRedis;
  let repository: DiagnosticsRepository;

  beforeEach(() => {
    redis = new RecordingRedis();
    repository = new DiagnosticsRepository(redis as unknown as RedisClient, options);
  });

  /**
   * The hash tag of every call in order; fails unless each call's keys share one tag right after
   * the prefix, and unless a call that does not start with its first key is of a script without a
   * fixed key count, which `defineRedisScripts` keeps out of a Cluster's auto-pipelining (it would
   * batch the call by the slot of its first argument).
   */
  const tagsOfCalls = () =>
    redis.calls.map(({ script, keys, first }) => {
      for (const key of keys) expect(key.startsWith(`${options.keyPrefix}{s`)).toBe(true);
      const tags = [...new Set(keys.map(hashedPart))];
      expect({ script, tags }).toEqual({ script, tags: [expect.stringMatching(/^s\d+$/)] });
      if (first !== keys[0]) expect(DIAGNOSTICS_SCRIPTS[script]).not.toHaveProperty('numberOfKeys');
      return [script, tags[0]];
    });

  // Ids with braces and colons of their own: only the tag right after the prefix may count.
  describe.each(['wf-2026-11-26-0001', 'wf-{s3}:x', `wf-${randomUUID()}`, '}{'])('for workflow %j', (workflowId) => {
    it.each<[string, (repository: DiagnosticsRepository) => Promise<unknown>, DiagnosticsScriptName]>([
      [
        'workflow.started',
        (r) => r.applyWorkflowStarted(event('workflow.started', { workflow_id: workflowId })),
        'opalDiagnosticsApplyWorkflowStarted',
      ],
      [
        'workflow.completed',
        (r) => r.applyWorkflowCompleted(event('workflow.completed', { workflow_id: workflowId })),
        'opalDiagnosticsApplyWorkflowCompleted',
      ],
      [
        'decision.generated',
        (r) => r.applyDecisionGenerated(event('decision.generated', { workflow_id: workflowId })),
        'opalDiagnosticsApplyDecisionGenerated',
      ],
      [
        'decision.degraded',
        (r) => r.applyDecisionDegraded(event('decision.degraded', { workflow_id: workflowId })),
        'opalDiagnosticsApplyDecisionDegraded',
      ],
      [
        'an alert claimed',
        (r) => r.markDegradedAndClaimAlert(workflowId, 'agent_failure_rate', randomUUID()),
        'opalDiagnosticsMarkDegradedAndClaimAlert',
      ],
      [
        'an alert sent',
        (r) => r.completeAlert(workflowId, 'agent_failure_rate', randomUUID()),
        'opalDiagnosticsCompleteAlert',
      ],
      [
        'an alert released',
        (r) => r.releaseAlert(workflowId, 'agent_failure_rate', randomUUID()),
        'opalDiagnosticsReleaseAlert',
      ],
    ])("should apply %s in the workflow's shard", async (_, apply, script) => {
      await apply(repository);

      expect(tagsOfCalls()).toEqual([[script, tagOf(workflowId)]]);
    });

    it("should apply agent results in the workflow's shard, and each agent's statistics in the agent's", async () => {
      const agents = ['content-review-agent', 'agent-{s1}', `agent-${randomUUID()}`];
      const events = Array.from({ length: 2 * AGENT_RESULTS_PER_CALL + 1 }, (_, i) =>
        event('agent.completed', { workflow_id: workflowId, agent_id: agents[i % 3] }),
      );
      const perAgent = Math.ceil(events.length / 3);

      await repository.applyAgentResults(events);

      expect(tagsOfCalls().sort()).toEqual(
        [
          ...Array.from({ length: 3 }, () => ['opalDiagnosticsApplyAgentResults', tagOf(workflowId)]),
          ...agents.flatMap((agentId) =>
            Array.from({ length: Math.ceil(perAgent / AGENT_RESULTS_PER_CALL) }, () => [
              'opalDiagnosticsApplyAgentStatistics',
              tagOf(agentId),
            ]),
          ),
        ].sort(),
      );
      // Each event is marked once for its workflow and once for its agent's statistics.
      const markers = redis.calls.flatMap(({ keys }) => keys).filter((key) => /:(agent-)?applied:/.test(key));
      expect(markers).toHaveLength(2 * events.length);
    });
  });

  it.each<[EventType & ('knowledge.upserted' | 'user.preferences.updated')]>([
    ['knowledge.upserted'],
    ['user.preferences.updated'],
  ])("should count %s in its event_id's shard", async (type) => {
    const eventId = randomUUID();

    await repository.applyCounted(type, eventId);

    expect(tagsOfCalls()).toEqual([['opalDiagnosticsApplyCounted', tagOf(eventId)]]);
  });

  it('should leave no script unchecked', () => {
    // Every script the specs above call; a new one must join them.
    expect(Object.keys(DIAGNOSTICS_SCRIPTS).sort()).toEqual(
      [
        'opalDiagnosticsApplyCounted',
        'opalDiagnosticsApplyWorkflowStarted',
        'opalDiagnosticsApplyAgentResults',
        'opalDiagnosticsApplyAgentStatistics',
        'opalDiagnosticsApplyWorkflowCompleted',
        'opalDiagnosticsApplyDecisionGenerated',
        'opalDiagnosticsApplyDecisionDegraded',
        'opalDiagnosticsMarkDegradedAndClaimAlert',
        'opalDiagnosticsCompleteAlert',
        'opalDiagnosticsReleaseAlert',
      ].sort(),
    );
  });
});

import { EVENT_TYPES, REDIS_SHARDS, redisKeyShardOf, type EventType } from '@opal/contracts';
import type { RedisClient } from '@opal/platform-idempotency';
import { diagnosticsKeys } from '@opal/contracts';
import { resolveDiagnosticsOptions } from './diagnostics.module';
import { DiagnosticsRepository } from './diagnostics.repository';
import type { WorkflowHealth } from './diagnostics.types';

// The module's defaults but for what the listing reads: the key prefix and the retention.
const options = resolveDiagnosticsOptions({
  thresholds: { agentFailureRate: 0.5, minAgentEvents: 3, durationFactor: 2, minConfidence: 0.5 },
  keyPrefix: 'test:',
  retentionSeconds: 60,
});
const keys = diagnosticsKeys(options.keyPrefix);
const NOW = 1_800_000_000_000;
const REMEMBERED = NOW - options.retentionSeconds * 1000;

type Command = [name: string, key: string, ...args: Array<string | number>];

/** An id whose keys fall in `shard`: what puts several workflows in one shard. */
const idInShard = (shard: number, label: string) => {
  for (let n = 0; ; n += 1) if (redisKeyShardOf(`${label}-${n}`) === shard) return `${label}-${n}`;
};

/**
 * The Redis reads of the query API over in-memory state. It records its round trips: the commands
 * issued in one turn of the event loop go out together, as the client's (auto-)pipelining sends
 * them, and their replies come back in a later turn.
 */
class FakeRedis {
  readonly roundTrips: Command[][] = [];
  readonly sortedSets = new Map<string, Map<string, number>>();
  readonly hashes = new Map<string, Record<string, string>>();
  readonly sets = new Map<string, string[]>();
  private round: Array<{ command: Command; resolve: (reply: unknown) => void }> | null = null;

  defineCommand(): void {
    // The apply scripts are not what these specs run (diagnostics.key-slots.spec.ts records their keys).
  }

  zcount = (key: string, min: number, max: string) => this.send(['zcount', key, min, max]);
  zrevrangebyscore = (key: string, max: string, min: number, ...rest: Array<string | number>) =>
    this.send(['zrevrangebyscore', key, max, min, ...rest]);
  zrange = (key: string, start: number, stop: number, ...rest: string[]) =>
    this.send(['zrange', key, start, stop, ...rest]);
  zcard = (key: string) => this.send(['zcard', key]);
  hgetall = (key: string) => this.send(['hgetall', key]);
  hmget = (key: string, ...fields: string[]) => this.send(['hmget', key, ...fields]);
  smembers = (key: string) => this.send(['smembers', key]);

  private send(command: Command): Promise<unknown> {
    const round = this.round ?? this.openRound();
    return new Promise((resolve) => round.push({ command, resolve }));
  }

  private openRound() {
    const round: NonNullable<typeof this.round> = [];
    this.round = round;
    setImmediate(() => {
      this.round = null;
      this.roundTrips.push(round.map(({ command }) => command));
      for (const { command, resolve } of round) resolve(this.reply(command));
    });
    return round;
  }

  private reply([name, key, ...args]: Command): unknown {
    // By score, then by member, as Redis orders a sorted set.
    const ascending = [...(this.sortedSets.get(key) ?? new Map<string, number>())].sort(([a, x], [b, y]) =>
      x !== y ? x - y : a < b ? -1 : 1,
    );
    const withScores = (entries: Array<[string, number]>) =>
      entries.flatMap(([member, score]) => [member, String(score)]);
    switch (name) {
      case 'zcount':
        return ascending.filter(([, score]) => score >= Number(args[0])).length;
      case 'zrevrangebyscore': {
        const [, min, scores, , offset, count] = args as [string, number, 'WITHSCORES', 'LIMIT', number, number];
        expect(scores).toBe('WITHSCORES');
        return withScores(
          ascending
            .filter(([, score]) => score >= min)
            .reverse()
            .slice(offset, offset + count),
        );
      }
      case 'zrange': {
        const [start, stop] = args as [number, number];
        return withScores(ascending.slice(start, stop + 1));
      }
      case 'zcard':
        return ascending.length;
      case 'hgetall':
        return { ...this.hashes.get(key) };
      case 'hmget':
        return args.map((field) => this.hashes.get(key)?.[field] ?? null);
      case 'smembers':
        return [...(this.sets.get(key) ?? [])];
      default:
        throw new Error(`unexpected command ${name}`);
    }
  }

  /** A workflow as the apply scripts leave it: its hash, its reasons and its shard's index entries scored by last activity. */
  remember(workflowId: string, lastActivity: number, health: WorkflowHealth = 'healthy', reasons: string[] = []) {
    const shard = redisKeyShardOf(workflowId);
    this.sortedSet(keys.workflows(shard)).set(workflowId, lastActivity);
    if (health === 'degraded') this.sortedSet(keys.degradedWorkflows(shard)).set(workflowId, lastActivity);
    this.hashes.set(keys.workflow(workflowId), { workflow_id: workflowId, status: 'running', health });
    if (reasons.length > 0) this.sets.set(keys.reasons(workflowId), reasons);
  }

  sortedSet(key: string): Map<string, number> {
    const set = this.sortedSets.get(key) ?? new Map<string, number>();
    this.sortedSets.set(key, set);
    return set;
  }
}

describe(DiagnosticsRepository.name, () => {
  let redis: FakeRedis;
  let repository: DiagnosticsRepository;

  const idsOf = (list: { workflows: Array<{ workflowId: string }> }) => list.workflows.map((w) => w.workflowId);

  beforeEach(() => {
    redis = new FakeRedis();
    repository = new DiagnosticsRepository(redis as unknown as RedisClient, options);
    redis.remember('healthy-newest', NOW - 1_000);
    redis.remember('degraded-newer', NOW - 2_000, 'degraded', ['agent_failure_rate']);
    redis.remember('healthy-older', NOW - 4_000);
    redis.remember('degraded-older', NOW - 5_000, 'degraded', ['workflow_failed', 'duration_ratio']);
  });

  describe('listWorkflows', () => {
    it('should list the degraded workflows first, then the others, each by most recent activity and once', async () => {
      const list = await repository.listWorkflows(50, NOW);

      expect(idsOf(list)).toEqual(['degraded-newer', 'degraded-older', 'healthy-newest', 'healthy-older']);
      expect(list.total).toBe(4);
      expect(list.degraded).toBe(2);
    });

    it.each([
      [1, ['degraded-newer']],
      [2, ['degraded-newer', 'degraded-older']],
      [3, ['degraded-newer', 'degraded-older', 'healthy-newest']],
    ])('should list no more than a limit of %d', async (limit, expected) => {
      const list = await repository.listWorkflows(limit, NOW);

      expect(idsOf(list)).toEqual(expected);
      expect([list.total, list.degraded]).toEqual([4, 2]);
    });

    it('should read the counts and the first page of every shard of both indexes in one round, then the workflows in one more', async () => {
      await repository.listWorkflows(3, NOW);

      const counts = (index: (shard: number) => string) =>
        REDIS_SHARDS.map((shard) => ['zcount', index(shard), REMEMBERED, '+inf']);
      const firstPages = (index: (shard: number) => string) =>
        REDIS_SHARDS.map((shard) => [
          'zrevrangebyscore',
          index(shard),
          '+inf',
          REMEMBERED,
          'WITHSCORES',
          'LIMIT',
          0,
          3,
        ]);
      expect(redis.roundTrips).toEqual([
        [
          ...counts(keys.workflows),
          ...counts(keys.degradedWorkflows),
          ...firstPages(keys.degradedWorkflows),
          ...firstPages(keys.workflows),
        ],
        ['degraded-newer', 'degraded-older', 'healthy-newest', 'healthy-older'].flatMap((id) => [
          ['hgetall', keys.workflow(id)],
          ['smembers', keys.reasons(id)],
        ]),
      ]);
    });

    it('should merge the shards by activity, reading on only in a shard whose first page the list used up', async () => {
      const busy = redisKeyShardOf('healthy-newest');
      const busyIds = Array.from({ length: 7 }, (_, n) => idInShard(busy, `busy-${n}`));
      busyIds.forEach((id, n) => redis.remember(id, NOW - 100 - n));
      // The busy shard's first page (5 for a limit of 5) holds only expired workflows.
      for (const id of busyIds.slice(0, 5)) redis.hashes.delete(keys.workflow(id));

      const list = await repository.listWorkflows(5, NOW);

      expect(idsOf(list)).toEqual(['degraded-newer', 'degraded-older', busyIds[5], busyIds[6], 'healthy-newest']);
      expect([list.total, list.degraded]).toEqual([11, 2]);
      // The counts and first pages, the workflows they named, the busy shard alone read on, its workflows.
      expect(redis.roundTrips).toHaveLength(4);
      expect(redis.roundTrips[2]).toEqual([
        ['zrevrangebyscore', keys.workflows(busy), '+inf', REMEMBERED, 'WITHSCORES', 'LIMIT', 5, 10],
      ]);
    });

    it('should describe each workflow as findWorkflow does', async () => {
      const list = await repository.listWorkflows(50, NOW);

      const found = await Promise.all(idsOf(list).map((id) => repository.findWorkflow(id)));
      expect(list.workflows).toEqual(found);
      expect(list.workflows[1]).toMatchObject({
        health: 'degraded',
        status: 'running',
        degradedReasons: ['duration_ratio', 'workflow_failed'],
      });
    });

    it('should leave out an index entry whose workflow hash has expired', async () => {
      redis.hashes.delete(keys.workflow('degraded-older'));

      const list = await repository.listWorkflows(50, NOW);

      expect(idsOf(list)).toEqual(['degraded-newer', 'healthy-newest', 'healthy-older']);
    });

    it('should read on in the degraded index while expired entries leave the list short', async () => {
      redis.remember('degraded-oldest', NOW - 7_000, 'degraded');
      redis.hashes.delete(keys.workflow('degraded-newer'));

      const list = await repository.listWorkflows(2, NOW);

      expect(idsOf(list)).toEqual(['degraded-older', 'degraded-oldest']);
      // The counts and first pages, the first two degraded workflows, then the one more the list needs.
      expect(redis.roundTrips).toHaveLength(3);
    });

    it('should read on among the others while expired entries leave the list short', async () => {
      redis.remember('healthy-oldest', NOW - 6_000);
      redis.hashes.delete(keys.workflow('healthy-newest'));
      redis.hashes.delete(keys.workflow('healthy-older'));

      const list = await repository.listWorkflows(3, NOW);

      expect(idsOf(list)).toEqual(['degraded-newer', 'degraded-older', 'healthy-oldest']);
    });

    it('should take the others after the last degraded one when the degraded fill a page but some expired', async () => {
      redis.hashes.delete(keys.workflow('degraded-newer'));

      const list = await repository.listWorkflows(2, NOW);

      expect(idsOf(list)).toEqual(['degraded-older', 'healthy-newest']);
    });

    it('should neither list nor count a workflow idle longer than the retention', async () => {
      redis.remember('degraded-forgotten', REMEMBERED - 1, 'degraded');

      const list = await repository.listWorkflows(50, NOW);

      expect(idsOf(list)).not.toContain('degraded-forgotten');
      expect([list.total, list.degraded]).toEqual([4, 2]);
    });

    it('should answer an empty list without reading any workflow when none is remembered', async () => {
      const list = await repository.listWorkflows(50, NOW + options.retentionSeconds * 1000);

      expect(list).toEqual({ workflows: [], total: 0, degraded: 0 });
      expect(redis.roundTrips).toHaveLength(1);
    });
  });

  describe('summary', () => {
    it('should sum the counters and counts of every shard, and describe the agents of every shard once, by id', async () => {
      redis.hashes.set(keys.processed(0), { 'workflow.started': '2', 'agent.completed': '5' });
      redis.hashes.set(keys.processed(63), { 'agent.completed': '1', 'knowledge.upserted': '3' });
      redis.hashes.set(keys.duplicates(7), { 'agent.completed': '2' });
      redis.hashes.set(keys.duplicates(8), { 'workflow.started': '1' });
      for (const [shard, agentId] of [
        [redisKeyShardOf('b-agent'), 'b-agent'],
        [redisKeyShardOf('a-agent'), 'a-agent'],
        [5, 'a-agent'],
      ] as const)
        redis.sets.set(keys.agents(shard), [...(redis.sets.get(keys.agents(shard)) ?? []), agentId]);
      redis.hashes.set(keys.agent('a-agent'), { count: '4', success: '3' });
      for (const [n, time] of [40, 10, 30, 20].entries())
        redis.sortedSet(keys.samples('a-agent')).set(`evt-${n}`, time);
      redis.hashes.set(keys.agent('b-agent'), { count: '1' });

      const summary = await repository.summary(NOW);

      const byType = (counts: Partial<Record<EventType, number>>) =>
        Object.fromEntries(EVENT_TYPES.map((type) => [type, counts[type] ?? 0]));
      expect(summary).toEqual({
        totalEventsProcessed: 11,
        duplicatesSkipped: 3,
        eventsByType: byType({ 'workflow.started': 2, 'agent.completed': 6, 'knowledge.upserted': 3 }),
        duplicatesByType: byType({ 'agent.completed': 2, 'workflow.started': 1 }),
        workflowsByHealth: { healthy: 2, degraded: 2 },
        agents: [
          { agentId: 'a-agent', count: 4, successRate: 0.75, p50ProcessingTimeMs: 20, p95ProcessingTimeMs: 40 },
          { agentId: 'b-agent', count: 1, successRate: 0, p50ProcessingTimeMs: null, p95ProcessingTimeMs: null },
        ],
      });
      // Every shard's counters, counts and agents; each agent's counts; its percentiles.
      expect(redis.roundTrips.map((round) => round.length)).toEqual([5 * 64, 4, 2]);
    });
  });

  describe('findWorkflow', () => {
    it('should answer null for a workflow whose hash has expired', async () => {
      redis.hashes.delete(keys.workflow('healthy-newest'));

      await expect(repository.findWorkflow('healthy-newest')).resolves.toBeNull();
    });
  });
});

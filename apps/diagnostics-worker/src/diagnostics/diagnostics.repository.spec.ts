import type { Redis } from 'ioredis';
import { diagnosticsKeys } from './diagnostics.keys';
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

/** The Redis reads of the query API over in-memory state; records its round trips (a pipeline, or one command). */
class FakeRedis {
  readonly roundTrips: Command[][] = [];
  readonly indexes = new Map<string, Map<string, number>>();
  readonly hashes = new Map<string, Record<string, string>>();
  readonly sets = new Map<string, string[]>();

  defineCommand(): void {
    // The apply scripts are not what these specs run.
  }

  pipeline() {
    const commands: Command[] = [];
    const pipeline = {
      zcount: (key: string, min: number, max: string) => queue(['zcount', key, min, max]),
      zrevrangebyscore: (key: string, max: string, min: number, ...limit: Array<string | number>) =>
        queue(['zrevrangebyscore', key, max, min, ...limit]),
      hgetall: (key: string) => queue(['hgetall', key]),
      smembers: (key: string) => queue(['smembers', key]),
      exec: async () => {
        this.roundTrips.push(commands);
        return commands.map((command) => [null, this.reply(command)]);
      },
    };
    const queue = (command: Command) => {
      commands.push(command);
      return pipeline;
    };
    return pipeline;
  }

  async zrevrangebyscore(key: string, max: string, min: number, ...limit: Array<string | number>) {
    const command: Command = ['zrevrangebyscore', key, max, min, ...limit];
    this.roundTrips.push([command]);
    return this.reply(command);
  }

  private reply([name, key, ...args]: Command): unknown {
    const since = (min: unknown) =>
      [...(this.indexes.get(key) ?? new Map<string, number>())]
        .filter(([, score]) => score >= Number(min))
        .sort(([, a], [, b]) => b - a)
        .map(([member]) => member);
    switch (name) {
      case 'zcount':
        return since(args[0]).length;
      case 'zrevrangebyscore': {
        const [, min, , offset, count] = args as [string, number, 'LIMIT', number, number];
        return since(min).slice(offset, offset + count);
      }
      case 'hgetall':
        return { ...this.hashes.get(key) };
      case 'smembers':
        return [...(this.sets.get(key) ?? [])];
      default:
        throw new Error(`unexpected command ${name}`);
    }
  }

  /** A workflow as the apply scripts leave it: its hash, its reasons and its index entries scored by last activity. */
  remember(workflowId: string, lastActivity: number, health: WorkflowHealth = 'healthy', reasons: string[] = []) {
    this.index(keys.workflows).set(workflowId, lastActivity);
    if (health === 'degraded') this.index(keys.degradedWorkflows).set(workflowId, lastActivity);
    this.hashes.set(keys.workflow(workflowId), { workflow_id: workflowId, status: 'running', health });
    if (reasons.length > 0) this.sets.set(keys.reasons(workflowId), reasons);
  }

  private index(key: string): Map<string, number> {
    const index = this.indexes.get(key) ?? new Map<string, number>();
    this.indexes.set(key, index);
    return index;
  }
}

describe(DiagnosticsRepository.name, () => {
  let redis: FakeRedis;
  let repository: DiagnosticsRepository;

  const idsOf = (list: { workflows: Array<{ workflowId: string }> }) => list.workflows.map((w) => w.workflowId);

  beforeEach(() => {
    redis = new FakeRedis();
    repository = new DiagnosticsRepository(redis as unknown as Redis, options);
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

    it('should read the indexes in one pipeline, then the workflows of their first pages in one more', async () => {
      await repository.listWorkflows(3, NOW);

      expect(redis.roundTrips).toEqual([
        [
          ['zcount', keys.workflows, REMEMBERED, '+inf'],
          ['zcount', keys.degradedWorkflows, REMEMBERED, '+inf'],
          ['zrevrangebyscore', keys.degradedWorkflows, '+inf', REMEMBERED, 'LIMIT', 0, 3],
          ['zrevrangebyscore', keys.workflows, '+inf', REMEMBERED, 'LIMIT', 0, 3],
        ],
        ['degraded-newer', 'degraded-older', 'healthy-newest', 'healthy-older'].flatMap((id) => [
          ['hgetall', keys.workflow(id)],
          ['smembers', keys.reasons(id)],
        ]),
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
      expect(redis.roundTrips).toHaveLength(4);
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

  describe('findWorkflow', () => {
    it('should answer null for a workflow whose hash has expired', async () => {
      redis.hashes.delete(keys.workflow('healthy-newest'));

      await expect(repository.findWorkflow('healthy-newest')).resolves.toBeNull();
    });
  });
});

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from '@nx/devkit';
import { eventually } from '@opal/platform-runtime/testing';
import { Kafka, logLevel, type Admin } from 'kafkajs';

const run = promisify(execFile);
const STACK_SH = path.join(workspaceRoot, 'tools/local-stack/stack.sh');

export const NODE_IDS = [1, 2, 3] as const;
export type NodeId = (typeof NODE_IDS)[number];

/** Runs `tools/local-stack/stack.sh`, the one owner of which broker process is which; rejects with its output. */
export async function stackSh(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('bash', [STACK_SH, ...args], {
      cwd: workspaceRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `stack.sh ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`,
    );
  }
}

/**
 * The variables `stack.sh env <args>` prints for the apps (what `eval "$(stack.sh env …)"` would
 * export), by name; rejects, with the output, when one of `required` is missing.
 */
export async function stackEnv<Name extends string>(
  args: readonly string[],
  required: readonly Name[],
): Promise<Record<Name, string> & Record<string, string>> {
  const printed = await stackSh('env', ...args);
  const env: Record<string, string> = Object.fromEntries(
    [...printed.matchAll(/^export ([A-Z_]+)=(.*)$/gm)].map((match) => [match[1] as string, match[2] as string]),
  );
  const missing = required.filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`stack.sh env ${args.join(' ')} printed no ${missing.join(', ')}:\n${printed}`);
  return env as Record<Name, string> & Record<string, string>;
}

/** The cluster's bootstrap list, as `stack.sh env cluster` prints it for the apps. */
export async function clusterBrokers(): Promise<string[]> {
  return (await stackEnv(['cluster'], ['KAFKA_BROKERS'])).KAFKA_BROKERS.split(',');
}

export const killBroker = (id: number) => stackSh('kill', `kafka-${id}`);
/** SIGTERM: the broker's controlled shutdown hands its leaderships over first. */
export const stopBroker = (id: number) => stackSh('down', `kafka-${id}`);
export const startBroker = (id: number) => stackSh('up', `kafka-${id}`);
export const startCluster = () => stackSh('up', 'cluster');

/** The node id of the active KRaft controller, from Kafka's own `kafka-metadata-quorum describe --status`. */
export async function activeController(bootstrap: string): Promise<number> {
  const output = await stackSh(
    'kafka-tool',
    'org.apache.kafka.tools.MetadataQuorumCommand',
    '--bootstrap-server',
    bootstrap,
    'describe',
    '--status',
  );
  const leader = /^LeaderId:\s+(\d+)/m.exec(output)?.[1];
  if (leader === undefined) throw new Error(`no LeaderId in the quorum status:\n${output}`);
  return Number(leader);
}

export interface PartitionState {
  topic: string;
  partition: number;
  leader: number;
  isr: number[];
}

/** Reads partition leaders and in-sync sets through kafkajs, the client the apps use. */
export class ClusterView {
  private readonly admin: Admin;

  constructor(brokers: string[]) {
    this.admin = new Kafka({
      clientId: 'opal-cluster-e2e',
      brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 8 },
    }).admin();
  }

  connect = () => this.admin.connect();
  disconnect = () => this.admin.disconnect();
  get kafkaAdmin(): Admin {
    return this.admin;
  }

  async partitions(topics: string[]): Promise<PartitionState[]> {
    const { topics: metadata } = await this.admin.fetchTopicMetadata({ topics });
    return metadata.flatMap((topic) =>
      topic.partitions.map((p) => ({
        topic: topic.name,
        partition: p.partitionId,
        leader: p.leader,
        isr: [...p.isr].sort(),
      })),
    );
  }

  async leaderOf(topic: string, partition: number): Promise<number> {
    const state = (await this.partitions([topic])).find((p) => p.partition === partition);
    if (!state) throw new Error(`${topic} has no partition ${partition}`);
    return state.leader;
  }

  /** Polls until `done` holds for the partitions of `topics`; returns how long it took. */
  async waitFor(
    topics: string[],
    done: (partitions: PartitionState[]) => boolean,
    what: string,
    timeoutMs = 120_000,
  ): Promise<number> {
    const start = Date.now();
    let last: PartitionState[] = [];
    const seen = await eventually(
      // A metadata read can fail while a broker is going away; the next poll asks another.
      async () => (last = await this.partitions(topics).catch(() => last)),
      (partitions) => partitions.length > 0 && done(partitions),
      timeoutMs,
      200,
    );
    if (seen.length > 0 && done(seen)) return Date.now() - start;
    const summary = seen.map((p) => `${p.topic}[${p.partition}] leader ${p.leader} isr ${p.isr.join(',')}`).join('\n');
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen:\n${summary}`);
  }

  /** Every partition has a leader and all three replicas in sync again. */
  waitForFullIsr(topics: string[], timeoutMs?: number): Promise<number> {
    return this.waitFor(
      topics,
      (all) => all.every((p) => p.leader >= 0 && p.isr.length === NODE_IDS.length),
      'every replica back in sync',
      timeoutMs,
    );
  }
}

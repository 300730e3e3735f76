import { CONSUMER_GROUPS, type ConsumerGroup } from '@opal/contracts';
import type { PartitionOffset, RecordLocation, ReplaySelection } from '@opal/platform-dlq';
import { DlqUsageError } from './dlq.errors';

export type DlqCommand =
  | { kind: 'help' }
  | { kind: 'list'; topic?: string; group?: string; limit?: number; json: boolean }
  | { kind: 'show'; location: RecordLocation; json: boolean }
  | {
      kind: 'replay';
      topic: string;
      selection: ReplaySelection;
      group: ConsumerGroup;
      dryRun: boolean;
      force: boolean;
    };

export const USAGE = `usage: npm run dlq -- <command>

  list   [--topic <topic>] [--group <group>] [--limit <n>] [--json]
         dead letters of every *.dlq topic, or of one DLQ (--topic: a source topic or its .dlq twin)
  show   <dlqTopic>:<partition>:<offset> [--json]
         one dead letter: every header and its value decoded through the Schema Registry
  replay --topic <dlqTopic> (--offset <p:o>[,<p:o>…] | --all) --group <group> [--dry-run] [--force]
         republish dead letters to their original topic, addressed to one consumer group
         (${Object.values(CONSUMER_GROUPS).join(', ')}); --all takes only that group's records

exit codes: 0 done, 1 failed, 2 usage error`;

const GROUPS: readonly string[] = Object.values(CONSUMER_GROUPS);
const FLAGS = {
  list: { values: ['topic', 'group', 'limit'], switches: ['json'] },
  show: { values: [], switches: ['json'] },
  replay: { values: ['topic', 'offset', 'group'], switches: ['all', 'dry-run', 'force'] },
} as const;
type CommandName = keyof typeof FLAGS;

interface RawArgs {
  positionals: string[];
  values: Map<string, string[]>;
  switches: Set<string>;
}

const OFFSET = /^\d+$/;

/** `0:17` → partition 0, offset "17"; leading zeros dropped so that equal offsets compare equal. */
export function parsePartitionOffset(text: string): PartitionOffset {
  const match = /^(\d+):(\d+)$/.exec(text.trim());
  if (!match) throw new DlqUsageError(`bad record selector "${text}": expected <partition>:<offset>, e.g. 0:17`);
  return { partition: Number(match[1]), offset: BigInt(match[2] as string).toString() };
}

/** `opal.workflow.started.dlq:0:17`; topic names cannot contain ':', so the last two fields are the numbers. */
export function parseRecordLocation(text: string): RecordLocation {
  const match = /^(.+):([^:]*):([^:]*)$/.exec(text);
  if (!match || !OFFSET.test(match[2] as string) || !OFFSET.test(match[3] as string)) {
    throw new DlqUsageError(
      `bad record "${text}": expected <dlqTopic>:<partition>:<offset>, e.g. opal.workflow.started.dlq:0:17`,
    );
  }
  return { topic: match[1] as string, ...parsePartitionOffset(`${match[2]}:${match[3]}`) };
}

function splitArgs(command: CommandName, argv: readonly string[]): RawArgs {
  const spec = FLAGS[command];
  const raw: RawArgs = { positionals: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      raw.positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    if ((spec.switches as readonly string[]).includes(name)) {
      // Nx forwards a bare switch as `--name=true`; accept both spellings and an explicit false.
      if (inline === undefined || inline === 'true') raw.switches.add(name);
      else if (inline !== 'false') throw new DlqUsageError(`--${name} takes no value`);
    } else if ((spec.values as readonly string[]).includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
        throw new DlqUsageError(`--${name} needs a value`);
      }
      raw.values.set(name, [...(raw.values.get(name) ?? []), value]);
    } else {
      throw new DlqUsageError(`unknown option --${name} for ${command}`);
    }
  }
  return raw;
}

/** The last value of a flag given more than once. */
const last = (raw: RawArgs, name: string): string | undefined => raw.values.get(name)?.at(-1);

function noPositionals(command: CommandName, raw: RawArgs): void {
  if (raw.positionals.length > 0) throw new DlqUsageError(`unexpected argument "${raw.positionals[0]}" for ${command}`);
}

function parseList(raw: RawArgs): DlqCommand {
  noPositionals('list', raw);
  const limitText = last(raw, 'limit');
  if (limitText !== undefined && !/^[1-9]\d*$/.test(limitText)) {
    throw new DlqUsageError(`--limit must be a positive integer, got "${limitText}"`);
  }
  return {
    kind: 'list',
    ...(last(raw, 'topic') !== undefined ? { topic: last(raw, 'topic') } : {}),
    ...(last(raw, 'group') !== undefined ? { group: last(raw, 'group') } : {}),
    ...(limitText !== undefined ? { limit: Number(limitText) } : {}),
    json: raw.switches.has('json'),
  };
}

function parseShow(raw: RawArgs): DlqCommand {
  const [location, ...extra] = raw.positionals;
  if (location === undefined) throw new DlqUsageError('show needs a record: <dlqTopic>:<partition>:<offset>');
  if (extra.length > 0) throw new DlqUsageError(`unexpected argument "${extra[0]}" for show`);
  return { kind: 'show', location: parseRecordLocation(location), json: raw.switches.has('json') };
}

function parseReplay(raw: RawArgs): DlqCommand {
  noPositionals('replay', raw);
  const topic = last(raw, 'topic');
  if (topic === undefined) throw new DlqUsageError('replay needs --topic <dlqTopic>');
  const group = last(raw, 'group');
  if (group === undefined) throw new DlqUsageError(`replay needs --group <group> (one of ${GROUPS.join(', ')})`);
  // A record addressed to a group that does not exist would be skipped by every worker.
  if (!GROUPS.includes(group))
    throw new DlqUsageError(`unknown consumer group "${group}": expected one of ${GROUPS.join(', ')}`);
  const offsets = raw.values.get('offset') ?? [];
  const all = raw.switches.has('all');
  if (all === offsets.length > 0)
    throw new DlqUsageError('replay needs exactly one of --offset <p:o>[,<p:o>…] and --all');
  return {
    kind: 'replay',
    topic,
    selection: all ? { kind: 'all' } : { kind: 'offsets', positions: uniquePositions(offsets) },
    group: group as ConsumerGroup,
    dryRun: raw.switches.has('dry-run'),
    force: raw.switches.has('force'),
  };
}

function uniquePositions(values: readonly string[]): PartitionOffset[] {
  const positions = new Map<string, PartitionOffset>();
  for (const text of values.flatMap((value) => value.split(','))) {
    const position = parsePartitionOffset(text);
    positions.set(`${position.partition}:${position.offset}`, position);
  }
  return [...positions.values()];
}

/**
 * The command line after `npm run dlq --`.
 *
 * @throws DlqUsageError with a one-line reason.
 */
export function parseDlqArgs(argv: readonly string[]): DlqCommand {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') return { kind: 'help' };
  if (!(name in FLAGS)) throw new DlqUsageError(`unknown command "${name}": expected list, show or replay`);
  const command = name as CommandName;
  if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help' };
  const raw = splitArgs(command, rest);
  switch (command) {
    case 'list':
      return parseList(raw);
    case 'show':
      return parseShow(raw);
    case 'replay':
      return parseReplay(raw);
    default: {
      const unknown: never = command;
      throw new DlqUsageError(`unknown command "${String(unknown)}"`);
    }
  }
}

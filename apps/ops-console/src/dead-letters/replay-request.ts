import { CONSUMER_GROUPS, type ConsumerGroup } from '@opal/contracts';
import type { ReplayRequest } from '@opal/platform-dlq';
import { ConsoleInputError } from '../console.errors';

const GROUPS: readonly string[] = Object.values(CONSUMER_GROUPS);
const POSITION = /^(\d+):(\d+)$/;

/**
 * A replay as the console's forms send it: `topic`, `group`, and either `offsets`
 * (`<partition>:<offset>[,…]`) or `all=true`. The console never forces a replay to a group other
 * than the one a record failed in; that stays a deliberate act of the CLI (`--force`).
 */
export function parseReplayRequest(raw: Record<string, string | undefined>): ReplayRequest {
  const topic = raw['topic']?.trim();
  if (!topic || !topic.endsWith('.dlq')) throw new ConsoleInputError('topic must be a DLQ topic (<topic>.dlq)');
  const group = raw['group']?.trim() ?? '';
  if (!GROUPS.includes(group)) throw new ConsoleInputError(`group must be one of ${GROUPS.join(', ')} (got "${group}")`);
  if (raw['all'] === 'true') return { topic, group: group as ConsumerGroup, selection: { kind: 'all' }, force: false };
  const positions = (raw['offsets'] ?? '')
    .split(',')
    .map((text) => text.trim())
    .filter(Boolean)
    .map((text) => {
      const match = POSITION.exec(text);
      if (!match) throw new ConsoleInputError(`"${text}" is not <partition>:<offset>`);
      return { partition: Number(match[1]), offset: BigInt(match[2] as string).toString() };
    });
  if (positions.length === 0) throw new ConsoleInputError('choose the records to replay (offsets) or all=true');
  return { topic, group: group as ConsumerGroup, selection: { kind: 'offsets', positions }, force: false };
}

/** The same request as form fields, for the confirmation form to send back unchanged. */
export function replayFields(request: ReplayRequest): Record<string, string> {
  const { topic, group, selection } = request;
  return selection.kind === 'all'
    ? { topic, group, all: 'true' }
    : { topic, group, offsets: selection.positions.map(({ partition, offset }) => `${partition}:${offset}`).join(',') };
}

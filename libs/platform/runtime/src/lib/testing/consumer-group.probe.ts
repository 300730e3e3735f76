import { Kafka, logLevel } from 'kafkajs';

/** Client ids of the members a consumer group has right now, as the broker reports them. */
export async function consumerGroupMembers(brokers: string[], groupId: string): Promise<string[]> {
  const admin = new Kafka({ clientId: 'test-group-probe', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return groups[0]?.members.map((member) => member.clientId) ?? [];
  } finally {
    await admin.disconnect();
  }
}

/** Polls until `predicate` holds for the group's members, or fails with what it last saw. */
export async function waitForGroupMembers(
  brokers: string[],
  groupId: string,
  predicate: (members: string[]) => boolean,
  timeoutMs = 30_000,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let members: string[] = [];
  while (Date.now() < deadline) {
    members = await consumerGroupMembers(brokers, groupId);
    if (predicate(members)) return members;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`group ${groupId} never reached the expected membership; last seen: [${members.join(', ')}]`);
}

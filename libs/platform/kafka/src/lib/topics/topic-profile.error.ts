import type { DeploymentEnvironment } from '@opal/platform-config';

/**
 * The cluster cannot host a topic profile as specified (e.g. replication factor 3 on one broker).
 * Raised before anything is changed; the profile is never silently downgraded.
 */
export class TopicProfileError extends Error {
  override readonly name = 'TopicProfileError';
  readonly code = 'KAFKA_TOPIC_PROFILE_UNSATISFIABLE';

  constructor(
    readonly environment: DeploymentEnvironment,
    readonly requiredReplicationFactor: number,
    readonly brokerCount: number,
  ) {
    super(
      `${environment} profile needs replication factor ${requiredReplicationFactor} but the cluster has ` +
        `${brokerCount} broker${brokerCount === 1 ? '' : 's'}; use NODE_ENV=development locally`,
    );
  }
}

import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { explainKafkaConnectionFailure } from '@opal/platform-errors';
import { messageOf } from '../deadline';
import { HEALTH_KEYS } from '../health.constants';
import { DependencyHealthIndicator, type ProbeDetails } from './dependency.health-indicator';

/** What the indicator needs of a kafkajs admin client. */
export interface KafkaHealthAdmin {
  connect(): Promise<void>;
  describeCluster(): Promise<{ brokers: unknown[]; clusterId: string; controller: number | null }>;
  disconnect(): Promise<void>;
}

export interface KafkaHealthIndicatorOptions {
  /** The app's kafkajs client config (brokers, TLS, SASL); retries and timeouts are overridden. */
  client: KafkaConfig;
  key?: string;
  timeoutMs?: number;
}

/**
 * Kafka readiness: a metadata request (`describeCluster`) over a long-lived admin connection,
 * opened on the first check. A failed check drops that connection, so the next one reconnects
 * from scratch (a restarted broker is picked up on the next probe).
 */
export class KafkaHealthIndicator extends DependencyHealthIndicator {
  private admin?: Promise<KafkaHealthAdmin>;
  private readonly createAdmin: () => KafkaHealthAdmin;
  private readonly client: KafkaConfig;

  constructor(options: KafkaHealthIndicatorOptions, createAdmin?: () => KafkaHealthAdmin) {
    super(options.key ?? HEALTH_KEYS.kafka, options.timeoutMs);
    this.createAdmin = createAdmin ?? (() => new Kafka(probeClientConfig(options.client, this.timeoutMs)).admin());
    this.client = options.client;
  }

  protected override describeFailure(error: unknown): string {
    return explainKafkaConnectionFailure(error, this.client) ?? messageOf(error);
  }

  protected async probe(): Promise<ProbeDetails> {
    const connecting = this.connectedAdmin();
    try {
      const { brokers, clusterId } = await (await connecting).describeCluster();
      return { clusterId, brokers: brokers.length };
    } catch (error) {
      this.discard(connecting);
      throw error;
    }
  }

  override async onApplicationShutdown(): Promise<void> {
    await super.onApplicationShutdown();
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((connected) => connected.disconnect()).catch(() => undefined);
  }

  private connectedAdmin(): Promise<KafkaHealthAdmin> {
    this.admin ??= (async () => {
      const admin = this.createAdmin();
      try {
        await admin.connect();
        return admin;
      } catch (error) {
        void admin.disconnect().catch(() => undefined);
        throw error;
      }
    })();
    return this.admin;
  }

  private discard(admin: Promise<KafkaHealthAdmin>): void {
    if (this.admin !== admin) return;
    this.admin = undefined;
    void admin.then((connected) => connected.disconnect()).catch(() => undefined);
  }
}

/** One attempt per probe, bounded by the probe's deadline; failures are reported in the body, not logged. */
function probeClientConfig(client: KafkaConfig, timeoutMs: number): KafkaConfig {
  return {
    ...client,
    clientId: client.clientId ?? 'opal-health',
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  };
}

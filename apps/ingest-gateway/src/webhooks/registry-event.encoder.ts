import {
  PayloadValidationError,
  SchemaRegistryClient,
  SchemaRegistryUnavailableError,
  UnknownSchemaError,
} from '@opal/platform-schema-registry';
import { DependencyUnavailableError, EventValidationError, type EventEncoder } from './webhook.ports';

/** The schema registry behind the encoder port: validation first, then the Confluent wire format. */
export class RegistryEventEncoder implements EventEncoder {
  constructor(private readonly registry: SchemaRegistryClient) {}

  async encode(subject: string, payload: Record<string, unknown>): Promise<Buffer> {
    try {
      return await this.registry.encode(subject, payload);
    } catch (error) {
      if (error instanceof PayloadValidationError) throw new EventValidationError(error.errors);
      // A subject not registered yet (kafka:init has not run) heals without a restart: retryable too.
      if (error instanceof SchemaRegistryUnavailableError || error instanceof UnknownSchemaError) {
        throw new DependencyUnavailableError('schema-registry', { cause: error });
      }
      throw error;
    }
  }
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventPayloadByType } from './lib/generated/contracts.generated';
import type { EventType } from './lib/topic-catalogue';

/**
 * A realistic, schema-valid payload of an event type (`src/fixtures/<event type>.json`), envelope
 * included. Every call returns a fresh deep copy, so tests may mutate it. Reads from disk: tests only.
 */
export const loadFixture = <T extends EventType>(eventType: T): EventPayloadByType[T] =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', `${eventType}.json`), 'utf8')) as EventPayloadByType[T];

import { Controller, Injectable, Module, UseInterceptors } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { IdempotencyInterceptor } from '@opal/platform-idempotency';
import { PermanentProcessingError } from '@opal/platform-kafka';

export interface ProbeEvent {
  event_id: string;
  /** `ok`, `fail-twice` (transient, then ok), `fail-always` (transient every time), `permanent`. */
  behavior: string;
  seq: number;
}

export const PROBE_SCHEMA = {
  type: 'record',
  name: 'PipelineProbe',
  namespace: 'com.opal.test',
  fields: [
    { name: 'event_id', type: 'string' },
    { name: 'behavior', type: 'string' },
    { name: 'seq', type: 'int' },
  ],
};

/** Counts every handler run per event id; the tests read it to prove "once". */
@Injectable()
export class ProbeLedger {
  readonly runs = new Map<string, number>();
  readonly completed = new Set<string>();

  runsOf(eventId: string): number {
    return this.runs.get(eventId) ?? 0;
  }
}

/**
 * A message controller for one topic whose handler fails on command. Its effect (the in-memory
 * ledger) lives outside Redis, so it opts in to the generic claim/complete interceptor.
 */
export function probeModule(topic: string) {
  @Controller()
  @UseInterceptors(IdempotencyInterceptor)
  class ProbeMessageController {
    constructor(private readonly ledger: ProbeLedger) {}

    @EventPattern(topic)
    async handle(@Payload() event: ProbeEvent): Promise<void> {
      const run = this.ledger.runsOf(event.event_id) + 1;
      this.ledger.runs.set(event.event_id, run);
      if (event.behavior === 'permanent') throw new PermanentProcessingError(`probe ${event.seq} can never succeed`);
      if (event.behavior === 'fail-always' || (event.behavior === 'fail-twice' && run <= 2))
        throw new Error(`probe ${event.seq} failed on run ${run}`);
      this.ledger.completed.add(event.event_id);
    }
  }

  @Module({ controllers: [ProbeMessageController], providers: [ProbeLedger], exports: [ProbeLedger] })
  class ProbeModule {}

  return ProbeModule;
}

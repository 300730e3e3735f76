import { Controller, Injectable, Module, UseInterceptors } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectRedis } from '@nestjs-modules/ioredis';
import type { Redis } from 'ioredis';
import { IdempotencyInterceptor } from '@opal/platform-idempotency';
import {
  APPLIED,
  DUPLICATE,
  KeyGroupPattern,
  PermanentProcessingError,
  handleEachInOrder,
  type HandlerOutcome,
} from '@opal/platform-kafka';

export interface ProbeEvent {
  event_id: string;
  /** `ok`, `fail-twice` (transient, then ok), `fail-always` (transient every time), `permanent`, `wedge` (hangs until released). */
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
  private releaseWedged: () => void = () => undefined;
  /** What a `wedge` handler waits on: a handler that never returns, until the test says so. */
  readonly wedged = new Promise<void>((resolve) => (this.releaseWedged = resolve));

  runsOf(eventId: string): number {
    return this.runs.get(eventId) ?? 0;
  }

  release(): void {
    this.releaseWedged();
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
      if (event.behavior === 'wedge') await this.ledger.wedged;
      if (event.behavior === 'fail-always' || (event.behavior === 'fail-twice' && run <= 2))
        throw new Error(`probe ${event.seq} failed on run ${run}`);
      this.ledger.completed.add(event.event_id);
    }
  }

  @Module({ controllers: [ProbeMessageController], providers: [ProbeLedger], exports: [ProbeLedger] })
  class ProbeModule {}

  return ProbeModule;
}

/** What the key-group probe saw: each handler call's event seqs, and each event's runs. */
@Injectable()
export class KeyGroupLedger {
  readonly calls: number[][] = [];
  readonly runs = new Map<string, number>();
}

// Applies an event once (its marker) and appends its seq to the key's order list in the same step.
const APPLY_ONCE_IN_ORDER = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', 3600) then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('EXPIRE', KEYS[2], 3600)
return 1
`;

/**
 * A key-group handler like the workers' (`KeyGroupPattern`): its effect is an apply-once Redis
 * script per event, issued in offset order, appending the event's seq to one list; the tests read
 * `orderKey(prefix)` to see the order effects were applied in. `fail-twice` throws on its
 * first two runs before applying, as a handler bug or a failed downstream call would.
 */
export function keyGroupProbeModule(topic: string, prefix: string) {
  @Controller()
  class KeyGroupProbeController {
    constructor(
      private readonly ledger: KeyGroupLedger,
      @InjectRedis() private readonly redis: Redis,
    ) {}

    @KeyGroupPattern(topic)
    handle(@Payload() events: ProbeEvent[]): Promise<HandlerOutcome[]> {
      this.ledger.calls.push(events.map((event) => event.seq));
      return handleEachInOrder(events, async (event) => {
        const run = (this.ledger.runs.get(event.event_id) ?? 0) + 1;
        this.ledger.runs.set(event.event_id, run);
        if (event.behavior === 'fail-twice' && run <= 2) throw new Error(`probe ${event.seq} failed on run ${run}`);
        const applied = await this.redis.eval(
          APPLY_ONCE_IN_ORDER,
          2,
          `${prefix}:applied:${event.event_id}`,
          orderKey(prefix),
          event.seq,
        );
        return applied === 1 ? APPLIED : DUPLICATE;
      });
    }
  }

  @Module({ controllers: [KeyGroupProbeController], providers: [KeyGroupLedger], exports: [KeyGroupLedger] })
  class KeyGroupProbeModule {}

  return KeyGroupProbeModule;
}

/** The seqs of applied events, in the order their effects were applied. */
export const orderKey = (prefix: string) => `${prefix}:order`;

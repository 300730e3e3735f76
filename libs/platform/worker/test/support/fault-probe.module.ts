import { Controller, Inject, Module, UseInterceptors, type DynamicModule } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { getRedisConnectionToken } from '@nestjs-modules/ioredis';
import type { Redis } from 'ioredis';
import { IdempotencyInterceptor } from '@opal/platform-idempotency';
import type { ProbeEvent } from './pipeline-probe';
import { FaultLedger } from './fault-ledger';

export interface FaultProbeOptions {
  topic: string;
  /** Redis key prefix of the run's ledger. */
  ledgerPrefix: string;
  /** How long each invocation works between "started" and its effect. */
  handleDelayMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A message controller for one topic whose handler writes its ledger in Redis: started (with the
 * pid), `handleDelayMs` of work, then its effect, first-write-wins by event id like the real
 * handlers. It never fails: the fault tests break the process, not the handler. It stands for a
 * handler with effects outside Redis, so it opts in to the generic claim/complete interceptor.
 */
@Module({})
export class FaultProbeModule {
  static forRoot({ topic, ledgerPrefix, handleDelayMs }: FaultProbeOptions): DynamicModule {
    // Its ledger is not an apply-once script, so it takes the generic claim/complete record instead.
    @Controller()
    @UseInterceptors(IdempotencyInterceptor)
    class FaultProbeMessageController {
      constructor(@Inject(FaultLedger) private readonly ledger: FaultLedger) {}

      @EventPattern(topic)
      async handle(@Payload() event: ProbeEvent): Promise<void> {
        await this.ledger.started(event.event_id, process.pid);
        await sleep(handleDelayMs);
        await this.ledger.finished(event.event_id, process.pid);
      }
    }

    return {
      module: FaultProbeModule,
      controllers: [FaultProbeMessageController],
      providers: [
        // The worker's own Redis connection (fail-fast, closed on shutdown): a Redis outage hits the probe as it hits a real handler.
        {
          provide: FaultLedger,
          inject: [getRedisConnectionToken()],
          useFactory: (redis: Redis) => new FaultLedger(redis, ledgerPrefix),
        },
      ],
    };
  }
}

import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthHttpController } from './health.http.controller';
import { ProcessHealthIndicator } from './process.health-indicator';

/** `GET /health/live` for every app; readiness indicators for Kafka, Redis and the registry join here. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthHttpController],
  providers: [ProcessHealthIndicator],
  exports: [ProcessHealthIndicator],
})
export class HealthModule {}

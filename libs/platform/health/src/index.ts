export { HealthModule } from './lib/health.module';
export { ProcessHealthIndicator } from './lib/process.health-indicator';

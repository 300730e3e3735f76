export { DUPLICATE_EVENT, WorkerPlatformModule } from './lib/worker-platform.module';
export type { WorkerPlatformOptions } from './lib/worker-platform.module';
export { ConsumerIdempotencyInterceptor } from './lib/consumer-idempotency.interceptor';
export { bootstrapWorker } from './lib/worker.bootstrap';
export type { WorkerBootstrapOptions } from './lib/worker.bootstrap';

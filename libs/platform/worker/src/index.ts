export { WorkerPlatformModule } from './lib/worker-platform.module';
export type { WorkerPlatformOptions } from './lib/worker-platform.module';
export { bootstrapWorker } from './lib/worker.bootstrap';
export type { WorkerBootstrapOptions } from './lib/worker.bootstrap';
export { RedisNodeLostError, RedisReplicaAcksError, replicaAcksBarrier } from './lib/redis-replica-acks';
export type { ReplicaAckClient } from './lib/redis-replica-acks';

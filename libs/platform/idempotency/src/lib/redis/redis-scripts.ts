import { isRedisCluster, type RedisClient } from './idempotency-redis.options';

/** A Lua script as ioredis' `defineCommand` takes it; without `numberOfKeys`, each call passes its key count first. */
export interface RedisScriptDefinition {
  lua: string;
  numberOfKeys?: number;
}

/**
 * Defines `scripts` on `redis` under their names (EVALSHA, EVAL once per connection). On a Cluster
 * client, a script whose calls pass their key count first is kept out of auto-pipelining: ioredis
 * (5.9) picks a call's pipeline by its first argument, which for such a script is the count, so
 * calls over keys of different nodes would share one pipeline and ioredis would refuse it ("All
 * keys in the pipeline should belong to the same slots allocation group"). Kept out, each call
 * goes to the node of its keys. The list is copied, not changed in place: its default is shared
 * by every client.
 */
export function defineRedisScripts(redis: RedisClient, scripts: Readonly<Record<string, RedisScriptDefinition>>): void {
  for (const [name, definition] of Object.entries(scripts)) redis.defineCommand(name, definition);
  if (!isRedisCluster(redis)) return;
  const keyCountFirst = Object.entries(scripts)
    .filter(([, definition]) => definition.numberOfKeys === undefined)
    .map(([name]) => name);
  const ignored = redis.options.autoPipeliningIgnoredCommands ?? [];
  redis.options.autoPipeliningIgnoredCommands = [...new Set([...ignored, ...keyCountFirst])];
}

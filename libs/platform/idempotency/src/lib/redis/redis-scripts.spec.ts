import { Cluster, Redis } from 'ioredis';
import { defineRedisScripts } from './redis-scripts';

const SCRIPTS = {
  opalFixedKeys: { numberOfKeys: 2, lua: 'return 1' },
  opalKeyCountFirst: { lua: 'return #KEYS' },
};

describe(defineRedisScripts.name, () => {
  it('should define every script, and keep those whose calls pass their key count first out of a Cluster\'s auto-pipelining', () => {
    const shared = ['info'];
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true, enableAutoPipelining: true, autoPipeliningIgnoredCommands: shared });
    try {
      defineRedisScripts(cluster, SCRIPTS);

      expect(typeof (cluster as unknown as Record<string, unknown>)['opalFixedKeys']).toBe('function');
      expect(typeof (cluster as unknown as Record<string, unknown>)['opalKeyCountFirst']).toBe('function');
      expect(cluster.options.autoPipeliningIgnoredCommands).toEqual(['info', 'opalKeyCountFirst']);
      // The list given (or ioredis' default, shared by every client) is left as it was.
      expect(shared).toEqual(['info']);
    } finally {
      cluster.disconnect();
    }
  });

  it('should leave a single-node client\'s auto-pipelining alone: one node, one pipeline', () => {
    const single = new Redis({ lazyConnect: true, enableAutoPipelining: true });
    try {
      defineRedisScripts(single, SCRIPTS);

      expect(typeof (single as unknown as Record<string, unknown>)['opalKeyCountFirst']).toBe('function');
      expect(single.options.autoPipeliningIgnoredCommands).toEqual([]);
    } finally {
      single.disconnect();
    }
  });
});

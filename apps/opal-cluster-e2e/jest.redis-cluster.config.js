// Redis Cluster tier: the gateway and both workers on a Redis Cluster (`stack.sh up redis-cluster`:
// three primaries, a replica each), keys spread over the primaries, a primary SIGKILLed under load.
// Its own Nx target, `redis-cluster-test`, because it needs that topology.
module.exports = require('../../tools/test/jest-int.config')(__dirname, {
  kind: 'redis-cluster-test',
  testMatch: ['<rootDir>/test/**/*.redis-cluster-spec.ts'],
  testTimeout: 300_000,
});

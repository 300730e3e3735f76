// Sentinel tier: the gateway and the diagnostics worker with Redis behind Sentinel (`stack.sh up
// sentinel`: a primary, a replica, three Sentinels), the primary SIGKILLed under load. Its own Nx
// target, `sentinel-test`, because it needs that topology.
module.exports = require('../../tools/test/jest-int.config')(__dirname, {
  kind: 'sentinel-test',
  testMatch: ['<rootDir>/test/**/*.sentinel-spec.ts'],
  testTimeout: 300_000,
});

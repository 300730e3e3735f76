// Cluster tier: the three apps against the three-broker KRaft cluster of the local stack
// (`stack.sh up cluster`), with brokers killed and restarted under load. Its own Nx target,
// `cluster-test`, because it needs the cluster and takes minutes.
module.exports = require('../../tools/test/jest-int.config')(__dirname, {
  kind: 'cluster-test',
  testMatch: ['<rootDir>/test/**/*.cluster-spec.ts'],
  testTimeout: 600_000,
});

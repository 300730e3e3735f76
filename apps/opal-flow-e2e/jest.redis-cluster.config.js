// The same flow with every app on a Redis Cluster (`stack.sh up redis-cluster`, env from `stack.sh
// env redis-cluster`): all seven event types through scripts that must keep their keys in one
// slot. Run by `opal-cluster-e2e:redis-cluster-test`, which starts that topology.
module.exports = require('../../tools/test/jest-int.config')(__dirname, { kind: 'redis-cluster-test' });

export { injectGet } from './lib/testing/inject-get';
export { describeConsumerAppLifecycle } from './lib/testing/consumer-app.lifecycle';
export { consumerGroupMembers, waitForGroupMembers } from './lib/testing/consumer-group.probe';
export { spawnInWorkspace, startBuiltApp, startNxApp } from './lib/testing/nx-app.process';
export { freePort } from './lib/free-port';
export type { RunningApp } from './lib/testing/nx-app.process';
export { eventually } from './lib/testing/eventually';
export { prometheusSample } from './lib/testing/prometheus-sample';
export { loadWithoutNest } from './lib/testing/load-without-nest';

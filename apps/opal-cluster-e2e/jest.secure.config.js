// Secured tier: the three apps against the SASL_SSL brokers and the TLS Redis of the local stack
// (`stack.sh up secure`), each as its own user with only the rights `kafka-init access` grants.
// Its own Nx target, `secure-test`, because it needs the secured services.
module.exports = require('../../tools/test/jest-int.config')(__dirname, {
  kind: 'secure-test',
  testMatch: ['<rootDir>/test/**/*.secure-spec.ts'],
  testTimeout: 300_000,
});

// Smoke tests proving the local stack answers real clients: kafkajs, the registry client, ioredis.
module.exports = require('../../tools/test/jest-int.config')(__dirname, { testTimeout: 60_000 });

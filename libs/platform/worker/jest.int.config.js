// Integration tier: the worker pipeline against the real Kafka, registry and Redis.
module.exports = require('../../../tools/test/jest-int.config')(__dirname);

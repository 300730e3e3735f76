// Integration tier: the real Kafka, Redis and Schema Registry of tools/local-stack.
module.exports = require('../../../tools/test/jest-int.config')(__dirname);

// Integration tier: the built CLI against throwaway topics on the real Kafka and Schema Registry.
module.exports = require('../../tools/test/jest-int.config')(__dirname);

// Integration tier: runs the built CLI against the real Kafka and Schema Registry.
module.exports = require('../../tools/test/jest-int.config')(__dirname);

// Integration tier: the real Kafka broker of tools/local-stack.
module.exports = require('../../../tools/test/jest-int.config')(__dirname);

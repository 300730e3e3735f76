// Integration tier: the real Schema Registry of tools/local-stack.
module.exports = require('../../../tools/test/jest-int.config')(__dirname);

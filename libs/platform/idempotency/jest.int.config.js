// Integration tier: the real Redis of tools/local-stack.
module.exports = require('../../../tools/test/jest-int.config')(__dirname);

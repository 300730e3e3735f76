// Integration tier: the app's HTTP surface against the real stack.
module.exports = require('../../../tools/test/jest-int.config')(__dirname);

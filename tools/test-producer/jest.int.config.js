// Integration tier: the built CLI against a gateway started through Nx on the real stack.
module.exports = require('../../tools/test/jest-int.config')(__dirname);

// Integration tier: the three apps built and started through Nx, one flow across them on the real stack.
module.exports = require('../../tools/test/jest-int.config')(__dirname);

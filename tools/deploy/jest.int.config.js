// Integration tier: the three apps and the ops console built and started through Nx against the real
// local stack.
module.exports = require('../../tools/test/jest-int.config')(__dirname, { testTimeout: 240_000 });

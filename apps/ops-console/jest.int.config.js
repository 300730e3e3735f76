// Integration tier: the real local stack (tools/local-stack) and the built app.
module.exports = require('../../tools/test/jest-int.config')(__dirname);

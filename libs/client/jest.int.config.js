// Integration tier: the packed tarball installed outside the workspace, against the real local stack
// and a running ingest gateway. Installing from the npm registry takes a while: hence the timeout.
module.exports = require('../../tools/test/jest-int.config')(__dirname, { testTimeout: 300_000 });

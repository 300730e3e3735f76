// Browser tier: every page of the console in Debian's Chromium (playwright-core, no browser
// download) against the real stack and the real apps. Its own Nx target, `browser-test`.
module.exports = require('../../tools/test/jest-int.config')(__dirname, {
  kind: 'browser-test',
  testMatch: ['<rootDir>/test/**/*.browser-spec.ts'],
  testTimeout: 240_000,
});

const path = require('node:path');
const nxPreset = require('@nx/jest/preset').default;

/** Every Jest run also writes its totals, so `npm test` can print one line for all of them. */
module.exports = {
  ...nxPreset,
  reporters: ['default', [path.join(__dirname, 'tools/test/jest-summary-reporter.js'), { kind: 'test' }]],
};

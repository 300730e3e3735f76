// The integration tier's Jest config, shared by every project that has a `test/` folder of
// `*.int-spec.ts` files run against the real local stack.
const path = require('node:path');

module.exports = function intTestConfig(
  projectDir,
  { testTimeout = 120_000, kind = 'int-test', testMatch = ['<rootDir>/test/**/*.int-spec.ts'] } = {},
) {
  const workspaceRoot = path.resolve(__dirname, '../..');
  return {
    displayName: require(path.join(projectDir, 'project.json')).name,
    preset: path.join(workspaceRoot, 'jest.preset.js'),
    rootDir: projectDir,
    testEnvironment: 'node',
    testMatch,
    transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
    moduleFileExtensions: ['ts', 'js'],
    testTimeout,
    reporters: ['default', [path.join(__dirname, 'jest-summary-reporter.js'), { kind }]],
  };
};

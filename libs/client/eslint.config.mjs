import baseConfig from '../../eslint.config.mjs';

// The package ships without Nest and bundles only the Nest-free entries of the workspace libs.
const NEST_FREE = {
  patterns: [
    { group: ['@nestjs/*'], message: 'The client SDK ships without Nest.' },
    {
      regex: '^@opal/platform-(kafka|schema-registry)$',
      message: 'Use the Nest-free entries: @opal/platform-kafka/standalone, @opal/platform-schema-registry/client.',
    },
    {
      regex: '^@opal/platform-(runtime|health|observability|idempotency|worker)(/.*)?$',
      message: 'Nest libs are not bundled into the client SDK.',
    },
  ],
};

export default [
  ...baseConfig,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', NEST_FREE] },
  },
  {
    // The build bundles the workspace libs into the package, so they need no build of their own.
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: true,
          depConstraints: [{ sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:platform', 'type:contract'] }],
        },
      ],
    },
  },
];

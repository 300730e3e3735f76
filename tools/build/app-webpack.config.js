// One webpack build for every Nest app and Node CLI tool: bundles the app with the workspace libs it imports
// (resolved through tsconfig paths) and leaves node_modules external, so the output runs with the
// repo's installed dependencies (or a production `npm ci --omit=dev` in an image).
// ts-loader runs tsc, which keeps the decorator metadata Nest's dependency injection reads;
// type errors are the `typecheck` target's job, so the build only transpiles.
const path = require('node:path');
const nodeExternals = require('webpack-node-externals');
const { TsconfigPathsPlugin } = require('tsconfig-paths-webpack-plugin');

const workspaceRoot = path.resolve(__dirname, '../..');

/** The part every bundle of the workspace shares: TypeScript through tsconfig paths, node_modules external. */
function nodeBundle({ dir, tsConfig, mode, importType = 'commonjs', compilerOptions }) {
  return {
    mode,
    target: 'node20',
    context: dir,
    devtool: 'source-map',
    resolve: { extensions: ['.ts', '.js'], plugins: [new TsconfigPathsPlugin({ configFile: tsConfig })] },
    module: { rules: [{ test: /\.ts$/, loader: 'ts-loader', options: { configFile: tsConfig, transpileOnly: true, compilerOptions } }] },
    externals: [nodeExternals({ modulesDir: path.join(workspaceRoot, 'node_modules'), importType })],
    externalsPresets: { node: true },
    // Nest logs class names, and readable stack traces matter more than bytes on a server.
    optimization: { minimize: false },
    node: { __dirname: false, __filename: false },
  };
}

function appWebpackConfig(appDir) {
  const tsConfig = path.join(appDir, 'tsconfig.app.json');
  return (_env, argv) => ({
    ...nodeBundle({ dir: appDir, tsConfig, mode: argv.mode ?? (process.env.NODE_ENV === 'production' ? 'production' : 'development') }),
    entry: './src/main.ts',
    output: { path: path.join(workspaceRoot, 'dist', path.relative(workspaceRoot, appDir)), filename: 'main.js', clean: true },
  });
}

/**
 * A publishable library (libs/client): `src/index.ts` and the workspace libs it imports in one
 * CommonJS file (`index.cjs`) and one ES module (`index.mjs`), every npm package left external.
 * TypeScript emits ES modules to webpack (and no tslib helpers), so the package needs no tslib.
 */
function packageWebpackConfigs(libDir, outputDir) {
  const tsConfig = path.join(libDir, 'tsconfig.lib.json');
  const compilerOptions = { module: 'es2022', importHelpers: false, sourceMap: true };
  const base = (importType) => ({ ...nodeBundle({ dir: libDir, tsConfig, mode: 'production', importType, compilerOptions }), entry: './src/index.ts' });
  return [
    { ...base('commonjs'), output: { path: outputDir, filename: 'index.cjs', library: { type: 'commonjs2' } } },
    {
      // The npm dependencies are CommonJS: the ES module loads them through createRequire.
      ...base('node-commonjs'),
      experiments: { outputModule: true },
      output: { path: outputDir, filename: 'index.mjs', module: true, chunkFormat: 'module', library: { type: 'module' } },
    },
  ];
}

module.exports = appWebpackConfig;
module.exports.packageWebpackConfigs = packageWebpackConfigs;

// One webpack build for every Nest app and Node CLI tool: bundles the app with the workspace libs it imports
// (resolved through tsconfig paths) and leaves node_modules external, so the output runs with the
// repo's installed dependencies (or a production `npm ci --omit=dev` in an image).
// ts-loader runs tsc, which keeps the decorator metadata Nest's dependency injection reads;
// type errors are the `typecheck` target's job, so the build only transpiles.
const path = require('node:path');
const nodeExternals = require('webpack-node-externals');
const { TsconfigPathsPlugin } = require('tsconfig-paths-webpack-plugin');

const workspaceRoot = path.resolve(__dirname, '../..');

module.exports = function appWebpackConfig(appDir) {
  const tsConfig = path.join(appDir, 'tsconfig.app.json');
  return (_env, argv) => ({
    mode: argv.mode ?? (process.env.NODE_ENV === 'production' ? 'production' : 'development'),
    target: 'node20',
    context: appDir,
    entry: './src/main.ts',
    output: { path: path.join(workspaceRoot, 'dist', path.relative(workspaceRoot, appDir)), filename: 'main.js', clean: true },
    devtool: 'source-map',
    resolve: { extensions: ['.ts', '.js'], plugins: [new TsconfigPathsPlugin({ configFile: tsConfig })] },
    module: { rules: [{ test: /\.ts$/, loader: 'ts-loader', options: { configFile: tsConfig, transpileOnly: true } }] },
    externals: [nodeExternals({ modulesDir: path.join(workspaceRoot, 'node_modules') })],
    externalsPresets: { node: true },
    // Nest logs class names, and readable stack traces matter more than bytes on a server.
    optimization: { minimize: false },
    node: { __dirname: false, __filename: false },
  });
};

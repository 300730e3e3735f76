// One webpack build for every Nest app: Nx's node target, tsc (for decorator metadata, which
// esbuild and swc-less builds drop), and a generated package.json for container images.
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const path = require('node:path');

module.exports = function appWebpackConfig(appDir) {
  const name = path.basename(appDir);
  return {
    output: {
      path: path.join(appDir, '../../dist/apps', name),
      ...(process.env.NODE_ENV !== 'production' && { devtoolModuleFilenameTemplate: '[absolute-resource-path]' }),
    },
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        tsConfig: './tsconfig.app.json',
        optimization: false,
        outputHashing: 'none',
        generatePackageJson: true,
        sourceMaps: true,
      }),
    ],
  };
};

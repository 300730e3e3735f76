#!/usr/bin/env node
// `nx run events-client:build`: dist/libs/client as npm will pack it — index.cjs and index.mjs
// (webpack: the workspace libs bundled in, npm packages external), .d.ts files whose workspace
// imports are rewritten to relative paths, package.json and README.md. Fails when the bundles
// import a package that package.json does not pin to the root's version, or when anything in
// the output still names a workspace-only path.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const webpack = require('webpack');
const { packageWebpackConfigs } = require('../../../tools/build/app-webpack.config.js');

const LIB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(LIB_DIR, '../..');
const OUT = path.join(ROOT, 'dist', 'libs', 'client');
const TYPES = path.join(OUT, 'types');

const fail = (message) => {
  console.error(`events-client build: ${message}`);
  process.exit(1);
};

/** npm package name of an import specifier: `@scope/name/sub` → `@scope/name`, `node:fs` → null. */
const packageOf = (request) => {
  if (request.startsWith('node:') || !/^[@a-z]/.test(request)) return null;
  const parts = request.split('/');
  return request.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};

function bundle() {
  return new Promise((resolve, reject) => {
    webpack(packageWebpackConfigs(LIB_DIR, OUT)).run((error, stats) => {
      if (error) return reject(error);
      if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
      const externals = new Set();
      // Concatenated modules nest the ones they hold: walk them all.
      const visit = (modules = []) => {
        for (const module of modules) {
          const match = /^external (?:[\w-]+ )?"(.+)"$/.exec(module.identifier ?? '');
          const name = match && packageOf(match[1]);
          if (name && !isBuiltin(name)) externals.add(name);
          visit(module.modules);
        }
      };
      for (const child of stats.toJson({ all: false, modules: true, nestedModules: true }).children) visit(child.modules);
      resolve(externals);
    });
  });
}

function checkDependencies(externals) {
  const pkg = JSON.parse(readFileSync(path.join(LIB_DIR, 'package.json'), 'utf8'));
  const root = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const declared = pkg.dependencies ?? {};
  const problems = [];
  for (const name of externals) {
    if (!(name in declared)) problems.push(`the bundle imports ${name}, which libs/client/package.json does not list`);
  }
  for (const [name, version] of Object.entries(declared)) {
    if (root.dependencies?.[name] !== version) problems.push(`${name}@${version} differs from the root package.json (${root.dependencies?.[name]})`);
    if (!externals.has(name)) problems.push(`${name} is listed but the bundle never imports it`);
    if (name.startsWith('@nestjs/')) problems.push(`${name}: the package ships without Nest`);
  }
  if (problems.length > 0) fail(problems.join('\n  '));
  return pkg;
}

/** tsconfig paths → the emitted .d.ts of each workspace entry, relative to `TYPES`. */
function workspaceEntries() {
  const { compilerOptions } = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.base.json'), 'utf8'));
  return new Map(Object.entries(compilerOptions.paths).map(([alias, [target]]) => [alias, target.replace(/\.ts$/, '')]));
}

function* filesBelow(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesBelow(full);
    else yield full;
  }
}

function declarations() {
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', path.join(LIB_DIR, 'tsconfig.lib.json'), '--declaration', '--emitDeclarationOnly', '--sourceMap', 'false', '--outDir', TYPES],
    { cwd: ROOT, stdio: 'inherit' },
  );
  const entries = workspaceEntries();
  for (const file of filesBelow(TYPES)) {
    if (!file.endsWith('.d.ts')) continue;
    const text = readFileSync(file, 'utf8').replace(/(from\s+|import\()(['"])(@opal\/[^'"]+)\2/g, (whole, lead, quote, alias) => {
      const target = entries.get(alias);
      if (!target) fail(`${path.relative(OUT, file)} imports ${alias}, which tsconfig.base.json does not map`);
      let relative = path.relative(path.dirname(file), path.join(TYPES, target)).split(path.sep).join('/');
      if (!relative.startsWith('.')) relative = `./${relative}`;
      return `${lead}${quote}${relative}${quote}`;
    });
    writeFileSync(file, text);
  }
  writeFileSync(path.join(OUT, 'index.d.ts'), "export * from './types/libs/client/src/index';\n");
}

function checkNoWorkspacePaths() {
  const offenders = [...filesBelow(OUT)].filter((file) => /\.(c|m)?js$|\.d\.ts$/.test(file) && /['"]@opal\/(?!events-client)/.test(readFileSync(file, 'utf8')));
  if (offenders.length > 0) fail(`workspace-only imports left in ${offenders.map((file) => path.relative(OUT, file)).join(', ')}`);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const externals = await bundle().catch((error) => fail(error.message));
const pkg = checkDependencies(externals);
declarations();
checkNoWorkspacePaths();
writeFileSync(path.join(OUT, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
cpSync(path.join(LIB_DIR, 'README.md'), path.join(OUT, 'README.md'));
console.log(`built ${path.relative(ROOT, OUT)}: index.cjs, index.mjs, index.d.ts (externals: ${[...externals].sort().join(', ')})`);

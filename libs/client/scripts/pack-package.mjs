#!/usr/bin/env node
// `nx run events-client:pack`: `npm pack` of the built package into dist/packages
// (opal-events-client-<version>.tgz), the tarball a service installs.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const destination = path.join(ROOT, 'dist', 'packages');
mkdirSync(destination, { recursive: true });
const [packed] = JSON.parse(
  execFileSync('npm', ['pack', path.join(ROOT, 'dist', 'libs', 'client'), '--pack-destination', destination, '--json'], { cwd: ROOT, encoding: 'utf8' }),
);
console.log(`packed ${path.relative(ROOT, path.join(destination, packed.filename))} (${packed.entryCount} files, ${packed.size} bytes)`);

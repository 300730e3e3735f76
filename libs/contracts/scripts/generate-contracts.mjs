#!/usr/bin/env node
// Regenerates src/lib/generated/contracts.generated.ts from src/schemas/*.avsc, the source of truth.
// Usage (from the repo root): node libs/contracts/scripts/generate-contracts.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import codegen from './contracts-codegen.cjs';

const { GENERATED_FILE, generateContracts, readSchemaSources } = codegen;

const next = generateContracts(readSchemaSources());
let current = '';
try {
  current = readFileSync(GENERATED_FILE, 'utf8');
} catch {
  // First run: nothing generated yet.
}
const relative = path.relative(process.cwd(), GENERATED_FILE);
if (current === next) {
  console.log(`${relative} is up to date`);
} else {
  mkdirSync(path.dirname(GENERATED_FILE), { recursive: true });
  writeFileSync(GENERATED_FILE, next);
  console.log(`wrote ${relative}`);
}

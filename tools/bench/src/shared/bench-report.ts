import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';

export const REPORT_DIR = path.join('.reports', 'bench');

/** Writes the machine-readable result next to the other reports and returns its path. */
export function writeReport(name: string, report: unknown): string {
  mkdirSync(REPORT_DIR, { recursive: true });
  const file = path.join(REPORT_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

export function positiveIntFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}="${raw}": expected a positive integer`);
  return value;
}

export const machine = () => ({ node: process.version, cpus: cpus().length, platform: process.platform });

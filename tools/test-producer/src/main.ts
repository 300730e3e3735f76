// `npm run kafka:test-producer`: the seed's producer test suite, run against the gateway that
// `npm run up` started. Prints a pass/fail table; exits 1 when any check fails, 2 when the
// gateway cannot be reached or no secret is known.
import { existsSync, readFileSync } from 'node:fs';
import { runProducerChecks } from './producer-checks';

const baseUrl = process.env['INGEST_GATEWAY_URL'] ?? `http://127.0.0.1:${process.env['INGEST_GATEWAY_PORT'] ?? 3000}`;
const DEV_SECRET_FILE = '.stack/dev-webhook-secret';

function secret(): string | undefined {
  const fromEnv = process.env['WEBHOOK_SECRETS']?.split(',')[0]?.trim();
  if (fromEnv) return fromEnv;
  return existsSync(DEV_SECRET_FILE) ? readFileSync(DEV_SECRET_FILE, 'utf8').trim() : undefined;
}

async function main(): Promise<number> {
  const key = secret();
  if (!key) {
    console.error(`test-producer: no webhook secret: set WEBHOOK_SECRETS or run npm run up (it writes ${DEV_SECRET_FILE})`);
    return 2;
  }
  const live = await fetch(`${baseUrl}/health/live`).then((r) => r.ok, () => false);
  if (!live) {
    console.error(`test-producer: no gateway answering at ${baseUrl}; start it with npm run up`);
    return 2;
  }
  const results = await runProducerChecks(baseUrl, key);
  const width = Math.max(...results.map((r) => r.name.length));
  console.log(`kafka:test-producer against ${baseUrl}\n`);
  for (const r of results) console.log(`${r.passed ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}  expected ${r.expected}, got ${r.got}`);
  const failed = results.filter((r) => !r.passed).length;
  console.log(`\n${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test-producer: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

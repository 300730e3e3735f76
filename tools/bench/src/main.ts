// `npm run bench:gateway`, `npm run bench:gateway:compare` and `npm run bench:workers` (and the processes they start). Benchmarks,
// not tests: they print what they measured and write it as JSON under .reports/bench; timing is
// never asserted in tests.
import { benchGateway } from './gateway/gateway.bench';
import { compareGateways } from './gateway/gateway-compare.bench';
import { serveBareJsonEndpoint } from './gateway/bare-json.app';
import { benchWorkers } from './workers/workers.bench';

const USAGE = 'usage: node dist/tools/bench/main.js gateway|gateway-compare|workers';

async function main(command: string | undefined): Promise<number | null> {
  if (command === 'gateway') return benchGateway();
  if (command === 'gateway-compare') return compareGateways();
  if (command === 'workers') return benchWorkers();
  if (command === 'bare-server') {
    await serveBareJsonEndpoint(Number(process.env['PORT']));
    return null;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv[2]).then(
  (code) => {
    if (code !== null) process.exit(code);
  },
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

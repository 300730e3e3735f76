// `npm run dlq -- list|show|replay`: the operator's view of the dead-letter queues (ARCHITECTURE.md
// §4). Lists dead letters with their failure headers, shows one decoded through the Schema
// Registry, and replays selected ones to their source topic addressed to one consumer group.
// Reads never disturb the workers: a throwaway consumer group, no commits, deleted afterwards.
import { runDlqCli } from './dlq.cli';

runDlqCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`dlq: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

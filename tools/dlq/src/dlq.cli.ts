import type { Admin } from 'kafkajs';
import { InvalidEnvironmentError, type EnvSource } from '@opal/platform-config';
import { SchemaRegistryClient } from '@opal/platform-schema-registry';
import { loadDlqConfig, DLQ_TOOL } from './config/dlq.env';
import { parseDlqArgs, USAGE, type DlqCommand } from './dlq.args';
import { listCommand, replayCommand, showCommand, type DlqDeps, type DlqIo } from './dlq.commands';
import { DlqError, DlqUsageError } from './dlq.errors';
import { DlqReader } from './dlq.reader';
import { DlqReplayer } from './dlq.replayer';
import { connectAdmin, createKafka } from './kafka.session';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface DlqCliOptions {
  /** Upper bound on one read of DLQ topics, group join included. */
  readTimeoutMs?: number;
}

const DEFAULT_READ_TIMEOUT_MS = 60_000;
const REGISTRY_TIMEOUT_MS = 5_000;

function run(command: Exclude<DlqCommand, { kind: 'help' }>, deps: DlqDeps, io: DlqIo): Promise<number> {
  switch (command.kind) {
    case 'list':
      return listCommand(command, deps, io);
    case 'show':
      return showCommand(command, deps, io);
    case 'replay':
      return replayCommand(command, deps, io);
    default: {
      const unknown: never = command;
      throw new TypeError(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * `npm run dlq -- list|show|replay …`: resolves to the exit code (0 done, 1 failed, 2 usage);
 * every failure is one `dlq: …` line on `io.err`.
 */
export async function runDlqCli(
  argv: readonly string[],
  env: EnvSource,
  io: DlqIo,
  options: DlqCliOptions = {},
): Promise<number> {
  let command: DlqCommand;
  try {
    command = parseDlqArgs(argv);
  } catch (error) {
    if (!(error instanceof DlqUsageError)) throw error;
    io.err(`${DLQ_TOOL}: ${error.message} (npm run dlq -- help shows the usage)`);
    return EXIT.usage;
  }
  if (command.kind === 'help') {
    io.out(USAGE);
    return EXIT.ok;
  }

  let admin: Admin | undefined;
  let replayer: DlqReplayer | undefined;
  try {
    const config = loadDlqConfig(env);
    const kafka = createKafka(config.kafka);
    const connected = await connectAdmin(kafka, config.kafka);
    admin = connected;
    const deps: DlqDeps = {
      reader: new DlqReader(kafka, connected, {
        readTimeoutMs: options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
        warn: (message) => io.err(`${DLQ_TOOL}: warning: ${message}`),
      }),
      registry: () => new SchemaRegistryClient({ ...config.schemaRegistry, requestTimeoutMs: REGISTRY_TIMEOUT_MS }),
      replayer: () => (replayer ??= new DlqReplayer(kafka, config.kafka.brokers)),
    };
    return await run(command, deps, io);
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      io.err(error.message);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      io.err(`${DLQ_TOOL}: ${error instanceof DlqError ? message : `unexpected failure: ${message}`}`);
    }
    return EXIT.failed;
  } finally {
    await replayer?.close();
    await admin?.disconnect().catch(() => undefined);
  }
}

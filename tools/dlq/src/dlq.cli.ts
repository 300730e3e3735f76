import { InvalidEnvironmentError, type EnvSource } from '@opal/platform-config';
import { DlqError, connectDeadLetters, type DeadLetterSession, type DeadLetters } from '@opal/platform-dlq';
import { loadDlqConfig, DLQ_TOOL } from './config/dlq.env';
import { parseDlqArgs, USAGE, type DlqCommand } from './dlq.args';
import { listCommand, replayCommand, showCommand, type DlqIo } from './dlq.commands';
import { DlqUsageError } from './dlq.errors';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export interface DlqCliOptions {
  /** Upper bound on one read of DLQ topics, group join included. */
  readTimeoutMs?: number;
}

/** The Kafka client id, and the prefix of the throwaway groups the tool's reads join. */
const DLQ_CLIENT_ID = 'opal-dlq-tool';
const DEFAULT_READ_TIMEOUT_MS = 60_000;
const REGISTRY_TIMEOUT_MS = 5_000;

function run(command: Exclude<DlqCommand, { kind: 'help' }>, deadLetters: DeadLetters, io: DlqIo): Promise<number> {
  switch (command.kind) {
    case 'list':
      return listCommand(command, deadLetters, io);
    case 'show':
      return showCommand(command, deadLetters, io);
    case 'replay':
      return replayCommand(command, deadLetters, io);
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

  let session: DeadLetterSession | undefined;
  try {
    const config = loadDlqConfig(env);
    session = await connectDeadLetters(config.kafka, config.schemaRegistry, {
      clientId: DLQ_CLIENT_ID,
      readTimeoutMs: options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
      registryTimeoutMs: REGISTRY_TIMEOUT_MS,
      warn: (message) => io.err(`${DLQ_TOOL}: warning: ${message}`),
    });
    return await run(command, session.deadLetters, io);
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      io.err(error.message);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      io.err(`${DLQ_TOOL}: ${error instanceof DlqError ? message : `unexpected failure: ${message}`}`);
    }
    return EXIT.failed;
  } finally {
    await session?.close();
  }
}

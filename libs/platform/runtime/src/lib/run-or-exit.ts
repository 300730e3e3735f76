/**
 * Runs an app's bootstrap; a start-up failure (port taken, broker unreachable) becomes one line
 * on stderr and exit code 1, so supervisors and CI logs show the cause rather than a stack trace.
 */
export function runOrExit(appName: string, bootstrap: () => Promise<void>): void {
  bootstrap().catch((error: unknown) => {
    process.stderr.write(`${appName}: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

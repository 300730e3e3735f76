import { setTimeout as delay } from 'node:timers/promises';

/** Resolves after `ms`; rejects at once when the run is interrupted. */
export const sleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal });

/**
 * What a run started, stopped in reverse order however the run ends (success, error, Ctrl-C).
 * One failing step does not keep the others from running; its error is reported.
 */
export class Teardown {
  private readonly steps: Array<{ name: string; run: () => Promise<unknown> }> = [];

  add(name: string, run: () => Promise<unknown>): void {
    this.steps.push({ name, run });
  }

  async runAll(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (error) {
        console.error(
          `bench:workers: could not ${step.name}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}

/**
 * An AbortSignal that fires on the first SIGINT/SIGTERM, so the run stops waiting and its
 * teardown runs; a second signal gets Node's default (exit at once).
 */
export function interruptOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    console.log(`\n${name}: stopping what the bench started…`);
    controller.abort(new Error(`interrupted by ${name}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

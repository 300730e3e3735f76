import type { Admin } from 'kafkajs';
import { topicOf } from '@opal/contracts';
import { waitUntilCaughtUp } from './drain-watch';
import { measureEndToEnd, type EndToEndInput, type EndToEndResult } from './e2e-phase';
import { elapsed } from './elapsed';

/** When the offered rate was not sustained, the second pass offers this share of what was reached. */
const STEP_DOWN_SHARE = 0.8;
const CATCH_UP_TIMEOUT_MS = 30_000;

export type EndToEndSetup = Omit<EndToEndInput, 'pass' | 'ratePerSecond'> & {
  groupId: string;
  /** Numbers this measurement among the run's repeats, so no two passes of a run share a delivery id. */
  repeat: number;
};

/**
 * The latency at the offered rate and, when the pipeline did not sustain it (its latency is then
 * its queue), once more at 80% of what it reached, after the worker caught up.
 */
export async function measureEndToEndPasses(
  admin: Admin,
  setup: EndToEndSetup,
  offeredRate: number,
): Promise<{ atOffered: EndToEndResult; atReachable: EndToEndResult | null }> {
  const measureAt = (pass: number, ratePerSecond: number) => {
    console.log(
      `${elapsed()} end-to-end pass ${pass}: ${ratePerSecond}/s for ${setup.seconds} s after ${setup.warmupSeconds} s warm-up`,
    );
    return measureEndToEnd({ ...setup, pass: (setup.repeat - 1) * 2 + pass, ratePerSecond });
  };
  const atOffered = await measureAt(1, offeredRate);
  if (atOffered.rateSustained) return { atOffered, atReachable: null };

  const rate = Math.max(1, Math.floor(Math.min(atOffered.achievedRate, atOffered.processedRate) * STEP_DOWN_SHARE));
  console.log(
    `${elapsed()} ${offeredRate}/s was not sustained (202s ${atOffered.achievedRate}/s, processed ${atOffered.processedRate}/s); again at ${rate}/s`,
  );
  if (
    !(await waitUntilCaughtUp(admin, setup.groupId, [topicOf('agent.completed')], setup.signal, CATCH_UP_TIMEOUT_MS))
  ) {
    console.log(`  note: ${setup.groupId} still has a backlog; the second pass starts with it`);
  }
  return { atOffered, atReachable: await measureAt(2, rate) };
}

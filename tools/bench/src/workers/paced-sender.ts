import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { sleep } from './interruptible';

const REQUEST_TIMEOUT_MS = 10_000;
const TICK_MS = 2;
/** Keep-alive sockets: enough that a slow answer never holds back the schedule at the target rates. */
const MAX_SOCKETS = 128;

export interface PacedRequest {
  headers: Record<string, string>;
  body: string;
}

export interface PacedSendOptions {
  url: string;
  ratePerSecond: number;
  count: number;
  nextRequest(sequence: number): PacedRequest;
  /** Every answer, at the time (performance.now()) its body had arrived. */
  onAnswer(sequence: number, status: number, body: string, sentAt: number, answeredAt: number): void;
  onError(sequence: number, error: Error): void;
  signal: AbortSignal;
}

/**
 * Open loop: request i leaves at start + i/rate whatever the earlier ones are doing (so a slow
 * server cannot slow the offered load down, as a closed loop would). Resolves once every request
 * has been answered, failed or timed out; returns when the first was sent and the last was sent.
 */
export async function sendPaced(options: PacedSendOptions): Promise<{ startedAt: number; lastSentAt: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const target = new URL(options.url);
  const inFlight = new Set<Promise<void>>();
  const startedAt = performance.now();
  let lastSentAt = startedAt;
  let sent = 0;

  const send = (sequence: number) => {
    const { headers, body } = options.nextRequest(sequence);
    const sentAt = performance.now();
    const done = new Promise<void>((resolve) => {
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            options.onAnswer(
              sequence,
              res.statusCode ?? 0,
              Buffer.concat(chunks).toString('utf8'),
              sentAt,
              performance.now(),
            );
            resolve();
          });
          res.on('error', (error) => {
            options.onError(sequence, error);
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', (error) => {
        options.onError(sequence, error);
        resolve();
      });
      req.end(body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  try {
    while (sent < options.count) {
      const due = Math.min(
        options.count,
        Math.floor(((performance.now() - startedAt) * options.ratePerSecond) / 1000) + 1,
      );
      while (sent < due) send(sent++);
      lastSentAt = performance.now();
      if (sent < options.count) await sleep(TICK_MS, options.signal);
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  return { startedAt, lastSentAt };
}

import { randomUUID } from 'node:crypto';
import { signWebhook, type EventType } from '@opal/contracts';

/** One HTTP attempt of a delivery: when it was sent, what came back and how long it took. */
export interface Attempt {
  sentAt: number;
  answeredAt: number;
  status: number; // 0: no HTTP answer (connection refused or reset, client timeout)
}

export interface Delivery {
  id: string;
  type: EventType;
  data: Record<string, unknown>;
  attempts: Attempt[];
  /** The event id and place of the 202 (or of the 200 duplicate that repeats it). */
  eventId?: string;
  partition?: number;
  /** false: gave up after `retryForMs` without a 2xx. */
  delivered?: boolean;
}

export interface LoadOptions {
  url: string;
  secret: string;
  ratePerSecond: number;
  /** The event of the n-th delivery. */
  eventOf: (n: number) => { type: EventType; data: Record<string, unknown> };
  /** A sender that retries keeps sending 503 / 409 / 429 / no-answer with the same webhook-id this long. */
  retryForMs: number;
  maxInFlight?: number;
}

const RETRIABLE = new Set([0, 409, 429, 503]);
const CLIENT_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An open-loop webhook sender: starts deliveries at a steady rate whatever the answers, as OPAL's
 * senders would, and keeps every attempt so a test can say what the gateway answered when.
 * Bounded: at most `maxInFlight` deliveries at once (further ticks are skipped and counted).
 */
export class WebhookLoad {
  readonly deliveries: Delivery[] = [];
  skippedTicks = 0;
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private sent = 0;

  constructor(private readonly options: LoadOptions) {}

  start(): void {
    const started = Date.now();
    this.timer = setInterval(() => {
      const due = Math.floor(((Date.now() - started) / 1000) * this.options.ratePerSecond);
      while (this.sent < due) {
        if (this.inFlight.size >= (this.options.maxInFlight ?? 2_000)) {
          this.skippedTicks += due - this.sent;
          this.sent = due;
          break;
        }
        this.launch(this.sent++);
      }
    }, 10);
  }

  /** Stops starting deliveries and waits for the ones under way (retries included). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private launch(n: number): void {
    const { type, data } = this.options.eventOf(n);
    const delivery: Delivery = { id: `msg_cluster_${randomUUID()}`, type, data, attempts: [] };
    this.deliveries.push(delivery);
    const done = this.deliver(delivery).finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const body = JSON.stringify({ type: delivery.type, timestamp: new Date().toISOString(), data: delivery.data });
    const giveUpAt = Date.now() + this.options.retryForMs;
    for (;;) {
      const sentAt = Date.now();
      const { status, eventId, partition, retryAfterMs } = await this.post(delivery.id, body);
      delivery.attempts.push({ sentAt, answeredAt: Date.now(), status });
      if (status === 200 || status === 202) {
        delivery.eventId = eventId;
        delivery.partition = partition;
        delivery.delivered = true;
        return;
      }
      if (!RETRIABLE.has(status) || Date.now() >= giveUpAt) {
        delivery.delivered = false;
        return;
      }
      await sleep(Math.min(retryAfterMs, 1_000));
    }
  }

  private async post(
    deliveryId: string,
    body: string,
  ): Promise<{ status: number; eventId?: string; partition?: number; retryAfterMs: number }> {
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: { ...signWebhook({ secrets: this.options.secret, deliveryId, body }) },
        body,
        signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
      });
      const payload = (await response.json().catch(() => ({}))) as { event_id?: string; partition?: number };
      const retryAfter = Number(response.headers.get('retry-after'));
      return {
        status: response.status,
        eventId: payload.event_id,
        partition: payload.partition,
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 250,
      };
    } catch {
      return { status: 0, retryAfterMs: 250 };
    }
  }
}

/** Nearest-rank percentile of `values` (ms), 0 for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Attempts answered inside [from, to), across deliveries. */
export function attemptsBetween(deliveries: Delivery[], from: number, to: number): Attempt[] {
  return deliveries.flatMap((d) => d.attempts.filter((a) => a.answeredAt >= from && a.answeredAt < to));
}

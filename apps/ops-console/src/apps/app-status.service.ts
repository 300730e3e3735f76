import { Inject, Injectable } from '@nestjs/common';
import type { OpsConsoleConfig } from '../config/ops-console.env';
import { fetchFailureReason } from '../console.errors';
import { OPS_CONSOLE_CONFIG } from '../ops-console.constants';

export interface AppStatus {
  name: string;
  url: string;
  /** `up` (200), `down` (answered, not ready) or `unreachable`. */
  state: 'up' | 'down' | 'unreachable';
  /** The readiness checks that are down, or why the app could not be asked. */
  detail: string;
}

const PROBE_TIMEOUT_MS = 2_000;

/** Asks each app in CONSOLE_APPS for its readiness, the same probe Kubernetes uses. */
@Injectable()
export class AppStatusService {
  constructor(@Inject(OPS_CONSOLE_CONFIG) private readonly config: OpsConsoleConfig) {}

  statuses(): Promise<AppStatus[]> {
    return Promise.all([...this.config.console.apps].map(([name, url]) => probe(name, url)));
  }
}

async function probe(name: string, url: string): Promise<AppStatus> {
  try {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body = (await response.json().catch(() => ({}))) as { error?: Record<string, { message?: string }> };
    if (response.status === 200) return { name, url, state: 'up', detail: 'ready' };
    const failing = Object.entries(body.error ?? {}).map(([check, info]) => (info.message ? `${check}: ${info.message}` : check));
    return { name, url, state: 'down', detail: failing.join('; ') || `HTTP ${response.status}` };
  } catch (error) {
    return { name, url, state: 'unreachable', detail: fetchFailureReason(error) };
  }
}

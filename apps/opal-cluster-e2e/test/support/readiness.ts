import type { RunningApp } from '@opal/platform-runtime/testing';

/** An app's `/health/ready` answer: the status code and each check's details. */
export interface Readiness {
  status: number;
  details: Record<string, { status?: string; message?: string; topology?: string; primary?: string; primaries?: string[] }>;
}

export async function readiness(app: RunningApp): Promise<Readiness> {
  const response = await fetch(`${app.baseUrl}/health/ready`);
  const body = (await response.json()) as { details?: Readiness['details'] };
  return { status: response.status, details: body.details ?? {} };
}

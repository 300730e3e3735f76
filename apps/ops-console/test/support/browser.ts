import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '@nx/devkit';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`): nothing is downloaded. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(workspaceRoot, '.reports', 'console');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Headless as root on a machine with no outside network: no sandbox, and none of Chromium's
    // background connections (they are refused here, many at a time).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Fails the test on any script error or failed request of the page (a broken asset, a CSP refusal). */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** Polls the rendered text of `selector` (which htmx may swap meanwhile) until `wanted` holds. */
export async function waitForText(page: Page, selector: string, wanted: (text: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = (await page.locator(selector).first().textContent({ timeout: 1_000 }).catch(() => null)) ?? '';
    if (wanted(last)) return last;
    await page.waitForTimeout(250);
  }
  throw new Error(`${selector} still reads "${last}" after ${timeoutMs} ms`);
}

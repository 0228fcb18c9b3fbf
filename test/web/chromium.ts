/**
 * Debian's Chromium, driven by playwright-core. In CI (CI=true) a missing browser fails
 * the run; elsewhere the browser suites are skipped with a loud notice.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);

if (!chromiumAvailable) {
  if (process.env.CI) {
    throw new Error(
      `Chromium is required in CI but ${CHROMIUM_PATH} is missing (.ci/run installs it: apt-get install -y chromium)`,
    );
  }
  console.warn(
    `\n!!! Chromium not found at ${CHROMIUM_PATH}: the browser tests of the console and widget are SKIPPED.\n!!! Install it with: apt-get install -y chromium (or set CHROMIUM_PATH). CI requires it.\n`,
  );
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// Headless Chromium for the browser tests: Debian's `chromium`, driven by playwright-core.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where the browser is: CHROMIUM_PATH, or Debian's package. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether the browser tests can run here. In CI they must: `.ci/run` installs the browser. */
export const haveChromium = existsSync(chromiumPath);

if (!haveChromium) {
  const why = `${chromiumPath} is missing (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI) throw new Error(`the browser tests cannot run in CI: ${why}`);
  console.warn(`skipping the browser tests: ${why}`);
}

/** Launches headless Chromium; the caller closes it. */
export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
}

/** Where screenshots go: test output, not part of the project. */
export const screenshotFolder = 'test-output/screenshots';

// Chromium through playwright-core (Debian's /usr/bin/chromium; Playwright's
// own downloads are not used), plus what every test needs: console errors
// collected, a screenshot per test in test-artifacts/, bounded waits.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { REPO } from './server.js';

const EXECUTABLE = process.env.QS_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const ARTIFACTS = path.join(REPO, 'test-artifacts');
/** Every Playwright action and wait gives up after this. */
export const ACTION_TIMEOUT_MS = 20_000;
export const VIEWPORT = { width: 1280, height: 800 };

export function launchBrowser() {
  return chromium.launch({ executablePath: EXECUTABLE, args: ARGS, timeout: ACTION_TIMEOUT_MS });
}

/**
 * A fresh page (own context) that records console errors and uncaught page
 * errors into `page.problems`, for `assertNoProblems`.
 */
export async function openPage(browser, url) {
  const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(ACTION_TIMEOUT_MS);
  page.problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') page.problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  await page.goto(url);
  await page.evaluate(() => window.quicksand.ready);
  return page;
}

/** Saves a screenshot of the whole page as test-artifacts/NAME.png and returns its bytes. */
export async function saveScreenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return page.screenshot({ path: path.join(ARTIFACTS, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`) });
}


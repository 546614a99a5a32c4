// The browser the suite drives, picked by QS_BROWSER (support/engines.js),
// behind one thin adapter: every test is written once against the page
// interface of page-base.js. Chromium and Firefox go through puppeteer-core
// (driver-puppeteer.js), WebKitGTK through W3C WebDriver
// (driver-webdriver.js); tests/browser/README.md says why. Plus what every
// test needs: problems collected, a screenshot per test, bounded waits.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ENGINE } from './engines.js';
import { launchPuppeteer } from './driver-puppeteer.js';
import { launchWebDriver } from './driver-webdriver.js';
import { REPO } from './server.js';

export { ACTION_TIMEOUT_MS } from './page-base.js';
export { ENGINE, needs } from './engines.js';
export const ARTIFACTS = path.join(REPO, 'test-artifacts', ENGINE.name);
export const VIEWPORT = { width: 1280, height: 800 };

/** Launches this run's engine: `{ version(), newPage({ initScript, viewport }), close() }`. */
export function launchBrowser() {
  return ENGINE.name === 'webkit' ? launchWebDriver(VIEWPORT) : launchPuppeteer(ENGINE.name, VIEWPORT);
}

/**
 * A fresh page (own storage) on `url`, once the game is ready; its problems
 * are read with `collectProblems()`. `initScript` runs before the page's own
 * scripts; `viewport` replaces VIEWPORT before the page loads (with
 * `hasTouch`, `isMobile`, `deviceScaleFactor`: Chromium only).
 */
export async function openPage(browser, url, { initScript = null, viewport = null } = {}) {
  const page = await browser.newPage({ initScript, viewport });
  try {
    await page.goto(url);
    await page.waitForGame();
  } catch (error) {
    // A page that never became ready has usually said why.
    const problems = await page.collectProblems().catch(() => []);
    await page.close().catch(() => {});
    if (problems.length) error.message += `; the page reported: ${problems.join('; ')}`;
    throw error;
  }
  return page;
}

/** Saves a screenshot of the page as test-artifacts/<engine>/NAME.png and returns its bytes. */
export async function saveScreenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const shot = await page.screenshot();
  writeFileSync(path.join(ARTIFACTS, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`), shot);
  return shot;
}

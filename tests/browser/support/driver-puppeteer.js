// Chromium (over CDP) and Firefox ESR (over WebDriver BiDi) through
// puppeteer-core: one library, one code path for both. Debian's browsers
// only (/usr/bin/chromium, /usr/bin/firefox-esr); puppeteer's own browser
// downloads are never used. Firefox runs under Xvfb, because headless
// Firefox has no WebGL2 here.

import puppeteer from 'puppeteer-core';
import { ACTION_TIMEOUT_MS, PageBase, parseKeys } from './page-base.js';
import { startXvfb } from './xvfb.js';

const CHROMIUM = process.env.QS_CHROMIUM ?? '/usr/bin/chromium';
const FIREFOX = process.env.QS_FIREFOX ?? '/usr/bin/firefox-esr';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  // Debian's Chromium 148 no longer falls back to SwiftShader for WebGL on
  // its own: without this flag getContext('webgl2') is null and the page
  // runs on Canvas2D (seen 2026-12-02; the tests expect WebGL2).
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** A CDP or BiDi command that has not answered by then fails (long page evaluations included). */
const PROTOCOL_TIMEOUT_MS = 180_000;

class PuppeteerPage extends PageBase {
  constructor(engine, context, page) {
    super();
    this.engine = engine;
    this.context = context;
    this.page = page;
    this.problems = [];
    // Playwright's order of wheel arguments, which the tests use.
    this.mouse = {
      move: (x, y, options) => page.mouse.move(x, y, options),
      down: (options) => page.mouse.down(options),
      up: (options) => page.mouse.up(options),
      click: (x, y, options) => page.mouse.click(x, y, options),
      wheel: (deltaX, deltaY) => page.mouse.wheel({ deltaX, deltaY }),
    };
    this.keyboard = { press: (combo) => this.press(combo), down: (key) => page.keyboard.down(key), up: (key) => page.keyboard.up(key) };
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}`));
  }

  goto(url) {
    return this.page.goto(url);
  }

  evaluate(fn, arg) {
    return this.page.evaluate(fn, arg);
  }

  async screenshot() {
    return Buffer.from(await this.page.screenshot({ type: 'png' }));
  }

  async press(combo) {
    const { modifiers, key } = parseKeys(combo);
    for (const modifier of modifiers) await this.page.keyboard.down(modifier);
    await this.page.keyboard.press(key);
    for (const modifier of modifiers.reverse()) await this.page.keyboard.up(modifier);
  }

  click(selector) {
    return this.page.click(selector);
  }

  /** Resizes the page's viewport (CSS pixels). */
  setViewportSize({ width, height }) {
    return this.page.setViewport({ width, height });
  }

  /**
   * The puppeteer page itself, for the few tests that only Chromium can
   * run (CDP touch events, device emulation); each says why next to it.
   */
  chromium() {
    if (this.engine !== 'chromium') throw new Error(`chromium() called in ${this.engine}`);
    return this.page;
  }

  reloadPage() {
    return this.page.reload();
  }

  async collectProblems() {
    return this.problems;
  }

  close() {
    return this.context.close();
  }
}

/** How long a browser may take to start (its first start on a fresh machine is the slowest). */
const LAUNCH_TIMEOUT_MS = 60_000;

/** Launches `engine` ('chromium' or 'firefox'); resolves with `{ version, newPage, close }`. */
export async function launchPuppeteer(engine, viewport) {
  const xvfb = engine === 'firefox' ? await startXvfb() : null;
  const options =
    engine === 'firefox'
      ? { browser: 'firefox', executablePath: FIREFOX, headless: false, env: { ...process.env, DISPLAY: xvfb.display } }
      : { browser: 'chrome', executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS };
  let browser;
  const launch = () => puppeteer.launch({ ...options, defaultViewport: viewport, timeout: LAUNCH_TIMEOUT_MS, protocolTimeout: PROTOCOL_TIMEOUT_MS });
  try {
    try {
      browser = await launch();
    } catch (error) {
      // A cold first start on a loaded 2-core machine has been seen to miss
      // the deadline once (CI, right after the Rust build): try once more.
      if (error?.name !== 'TimeoutError') throw error;
      console.warn(`${engine} did not start within ${LAUNCH_TIMEOUT_MS} ms; trying once more`);
      browser = await launch();
    }
  } catch (error) {
    xvfb?.stop();
    throw error;
  }
  return {
    version: () => browser.version(),
    /** A fresh page in a context of its own (its own storage); `initScript` runs before the page's scripts. */
    async newPage({ initScript = null, viewport: pageViewport = null } = {}) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      page.setDefaultTimeout(ACTION_TIMEOUT_MS);
      if (pageViewport) await page.setViewport(pageViewport);
      if (initScript) await page.evaluateOnNewDocument(initScript);
      return new PuppeteerPage(engine, context, page);
    },
    async close() {
      await browser.close();
      xvfb?.stop();
    },
  };
}

// WebKitGTK through W3C WebDriver: Debian's WebKitWebDriver starts the
// MiniBrowser that WebKitGTK ships (with --automation) under Xvfb, and this
// small client speaks the few commands the suite needs over HTTP. One
// session (one browser process) per page, so every page starts with empty
// storage, as a fresh Chromium or Firefox context does.
//
// WebDriver classic has no console events and no scripts that run before
// the page's own: page errors and console.error calls are collected from
// the moment the game is loaded (see PROBLEM_HOOK), and `initScript` is
// refused (the tests that need it are threaded-only, which WebKit is not).

import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { ACTION_TIMEOUT_MS, PageBase, keyCharacter, parseKeys, sleep } from './page-base.js';
import { startXvfb } from './xvfb.js';

const DRIVER = process.env.QS_WEBKIT_DRIVER ?? 'WebKitWebDriver';
const SCRIPT_TIMEOUT_MS = 180_000;
/** WebDriver's code points for the keys the tests press. */
const KEY = { Control: '\uE009', Shift: '\uE008', Alt: '\uE00A', Meta: '\uE03D', Enter: '\uE007', Escape: '\uE00C' };
const BUTTON = { left: 0, middle: 1, right: 2 };
/** What a WebDriver key action sends for a key name. */
const keyValue = (key) => KEY[key] ?? keyCharacter(key);

/** The MiniBrowser of libwebkit2gtk-4.1 (`dpkg -L libwebkit2gtk-4.1-0 | grep MiniBrowser`), in whichever multiarch directory. */
function miniBrowser() {
  if (process.env.QS_MINIBROWSER) return process.env.QS_MINIBROWSER;
  for (const dir of readdirSync('/usr/lib')) {
    const candidate = `/usr/lib/${dir}/webkit2gtk-4.1/MiniBrowser`;
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("WebKitGTK's MiniBrowser is missing: apt-get install webkit2gtk-driver");
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** One WebDriver command; resolves with its `value` or throws the driver's error. */
async function command(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const { value } = await response.json();
  if (!response.ok || value?.error) throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
  return value;
}

/** Installed in the page after each load: collects what a console listener would. */
function PROBLEM_HOOK() {
  if (window.__problems) return;
  window.__problems = [];
  window.addEventListener('error', (event) => window.__problems.push(`page error: ${event.message}`));
  window.addEventListener('unhandledrejection', (event) => window.__problems.push(`page error: ${event.reason?.message ?? event.reason}`));
  const original = console.error;
  console.error = (...args) => {
    window.__problems.push(`console error: ${args.join(' ')}`);
    original.apply(console, args);
  };
}

class WebDriverPage extends PageBase {
  constructor(base, session) {
    super();
    this.base = base;
    this.session = session;
    this.pointer = { x: 0, y: 0 };
    this.problems = [];
    this.mouse = {
      move: (x, y, { steps = 1 } = {}) => this.move(x, y, steps),
      down: ({ button = 'left' } = {}) => {
        // See engines.js (rightButton): the button would stay pressed for the rest of the page's life.
        if (button === 'right') throw new Error("WebKitGTK's WebDriver never releases the right button");
        return this.pointerActions([{ type: 'pointerDown', button: BUTTON[button] }]);
      },
      up: ({ button = 'left' } = {}) => this.pointerActions([{ type: 'pointerUp', button: BUTTON[button] }]),
      click: async (x, y, { button = 'left' } = {}) => {
        await this.mouse.move(x, y);
        await this.mouse.down({ button });
        await this.mouse.up({ button });
      },
      wheel: (deltaX, deltaY) =>
        this.send('POST', '/actions', {
          actions: [{ type: 'wheel', id: 'wheel', actions: [{ type: 'scroll', x: Math.round(this.pointer.x), y: Math.round(this.pointer.y), deltaX, deltaY, duration: 0 }] }],
        }),
    };
    this.keyboard = {
      press: (combo) => this.press(combo),
      down: (key) => this.send('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value: keyValue(key) }] }] }),
      up: (key) => this.send('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyUp', value: keyValue(key) }] }] }),
    };
  }

  send(method, path, body) {
    return command(this.base, method, `/session/${this.session}${path}`, body);
  }

  async goto(url) {
    await this.send('POST', '/url', { url });
    await this.evaluate(PROBLEM_HOOK);
  }

  /** Runs `fn(arg)` in the page; a returned promise is awaited (WebDriver's execute/sync does). */
  evaluate(fn, arg) {
    return this.send('POST', '/execute/sync', { script: `return (${fn})(arguments[0]);`, args: [arg ?? null] });
  }

  async screenshot() {
    return Buffer.from(await this.send('GET', '/screenshot'), 'base64');
  }

  pointerActions(actions) {
    return this.send('POST', '/actions', { actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }] });
  }

  /** Moves in `steps` straight pieces from where the pointer is, as puppeteer's mouse.move does. */
  move(x, y, steps) {
    const from = this.pointer;
    const moves = Array.from({ length: steps }, (_, i) => {
      const t = (i + 1) / steps;
      return { type: 'pointerMove', duration: 0, x: Math.round(from.x + (x - from.x) * t), y: Math.round(from.y + (y - from.y) * t) };
    });
    this.pointer = { x, y };
    return this.pointerActions(moves);
  }

  press(combo) {
    const { modifiers, key } = parseKeys(combo);
    const codes = [...modifiers, key].map(keyValue);
    const actions = [...codes.map((value) => ({ type: 'keyDown', value })), ...codes.reverse().map((value) => ({ type: 'keyUp', value }))];
    return this.send('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
  }

  /**
   * Clicks the element's centre with the pointer actions above, as
   * puppeteer's click does. Note: WebKit's own element-click command
   * pressed the button where the last action left the pointer (over the
   * canvas, which then painted a stroke) instead of on the element.
   */
  async click(selector) {
    const centre = await this.evaluate((s) => {
      const element = document.querySelector(s);
      if (!element) return null;
      element.scrollIntoView({ block: 'nearest' });
      const box = element.getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }, selector);
    if (!centre) throw new Error(`no element matches ${selector}`);
    await this.move(centre.x, centre.y, 1);
    await this.pointerActions([
      { type: 'pointerDown', button: BUTTON.left },
      { type: 'pointerUp', button: BUTTON.left },
    ]);
  }

  setViewportSize(viewport) {
    return fitViewport(this, viewport);
  }

  chromium() {
    throw new Error('chromium() called in webkit');
  }

  async reloadPage() {
    this.problems.push(...(await this.evaluate(() => window.__problems ?? [])));
    await this.send('POST', '/refresh', {});
    await this.evaluate(PROBLEM_HOOK);
  }

  async collectProblems() {
    return [...this.problems, ...(await this.evaluate(() => window.__problems ?? []))];
  }

  close() {
    return this.send('DELETE', '');
  }
}

/** Starts Xvfb and WebKitWebDriver; resolves with `{ version, newPage, close }`. */
export async function launchWebDriver(viewport) {
  const xvfb = await startXvfb();
  const port = await freePort();
  const driver = spawn(DRIVER, [`--port=${port}`], { stdio: 'ignore', env: { ...process.env, DISPLAY: xvfb.display } });
  const stop = () => {
    if (driver.exitCode === null) driver.kill('SIGTERM');
    xvfb.stop();
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + ACTION_TIMEOUT_MS;
  for (;;) {
    try {
      if ((await command(base, 'GET', '/status')).ready) break;
    } catch (error) {
      if (Date.now() > deadline || driver.exitCode !== null) {
        stop();
        throw new Error(`${DRIVER} did not start on port ${port} (apt-get install webkit2gtk-driver): ${error.message}`);
      }
    }
    await sleep(100);
  }
  let version = '';
  return {
    version: () => version,
    async newPage({ initScript = null, viewport: pageViewport = null } = {}) {
      if (initScript) throw new Error("WebKit's WebDriver cannot run a script before the page's own");
      const capabilities = { alwaysMatch: { 'webkitgtk:browserOptions': { binary: miniBrowser(), args: ['--automation'] } } };
      const session = await command(base, 'POST', '/session', { capabilities });
      version = `MiniBrowser (WebKitGTK ${session.capabilities.browserVersion})`;
      const page = new WebDriverPage(base, session.sessionId);
      await page.send('POST', '/timeouts', { script: SCRIPT_TIMEOUT_MS, pageLoad: ACTION_TIMEOUT_MS * 3 });
      await fitViewport(page, pageViewport ?? viewport);
      return page;
    },
    async close() {
      stop();
    },
  };
}

/** Sizes the window so that the page's viewport is `viewport` (the window's own toolbar included). */
async function fitViewport(page, { width, height }) {
  await page.send('POST', '/window/rect', { x: 0, y: 0, width, height });
  const inner = await page.evaluate(() => ({ width: innerWidth, height: innerHeight }));
  await page.send('POST', '/window/rect', { width: 2 * width - inner.width, height: 2 * height - inner.height });
}

// What every engine's page adapter offers the tests, written once over the
// few primitives each driver supplies (driver-puppeteer.js,
// driver-webdriver.js): goto, evaluate, screenshot, mouse, keyboard, click,
// reload, close and the problems the page logged. Everything below goes
// through `evaluate`, so it behaves the same in all three engines.

/** Every wait in the adapter gives up after this. */
export const ACTION_TIMEOUT_MS = 20_000;
const POLL_MS = 50;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class PageBase {
  /** Waits `ms` in Node (the page keeps running). */
  waitForTimeout(ms) {
    return sleep(ms);
  }

  /** Waits for `window.quicksand` (module scripts may still be loading) and its `ready`. */
  async waitForGame() {
    await this.waitUntil(() => Boolean(window.quicksand), undefined, 'window.quicksand');
    await this.evaluate(() => window.quicksand.ready);
  }

  /** Polls `predicate(arg)` in the page until it is truthy. */
  async waitUntil(predicate, arg, what = 'a condition in the page') {
    const deadline = Date.now() + ACTION_TIMEOUT_MS;
    for (;;) {
      const value = await this.evaluate(predicate, arg);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${ACTION_TIMEOUT_MS} ms waiting for ${what}`);
      await sleep(POLL_MS);
    }
  }

  /** Waits until `selector` is shown (containing `text`, if given) or, with `state: 'hidden'`, hidden or absent. */
  waitFor(selector, { text = null, state = 'visible' } = {}) {
    return this.waitUntil(
      ({ selector, text, state }) => {
        const element = document.querySelector(selector);
        const shown = Boolean(element) && element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';
        if (state === 'hidden') return !shown;
        return shown && (text === null || element.textContent.includes(text));
      },
      { selector, text, state },
      `${selector} to be ${state}${text ? ` with "${text}"` : ''}`,
    );
  }

  isVisible(selector) {
    return this.evaluate((s) => {
      const element = document.querySelector(s);
      return Boolean(element) && element.getClientRects().length > 0;
    }, selector);
  }

  allTextContents(selector) {
    return this.evaluate((s) => [...document.querySelectorAll(s)].map((e) => e.textContent), selector);
  }

  /** Chooses `value` in a <select> and fires input and change, as a player's choice does. */
  select(selector, value) {
    return this.evaluate(
      ({ selector, value }) => {
        const select = document.querySelector(selector);
        select.value = value;
        select.dispatchEvent(new Event('input', { bubbles: true }));
        select.dispatchEvent(new Event('change', { bubbles: true }));
      },
      { selector, value },
    );
  }

  /**
   * Puts a file into an <input type=file> and fires change. Note: a
   * DataTransfer built in the page, not the driver's file upload, because
   * it is the same in all three engines (WebKit's WebDriver has no upload)
   * and the page's own change handler reads the File either way.
   */
  setInputFile(selector, { name, bytes }) {
    return this.evaluate(
      ({ selector, name, bytes }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], name, { type: 'application/octet-stream' }));
        const input = document.querySelector(selector);
        input.files = transfer.files;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      },
      { selector, name, bytes: [...bytes] },
    );
  }

  /**
   * Runs `action` and resolves with the download it starts, `{ name, bytes }`.
   * Note: the page downloads by clicking a link to a Blob URL (saves.js);
   * the link's click is caught in the page and the Blob read back, which no
   * driver needs to support and which leaves no file behind.
   */
  async download(action) {
    await this.evaluate(() => {
      const original = HTMLAnchorElement.prototype.click;
      window.__downloads = [];
      HTMLAnchorElement.prototype.click = function click() {
        if (!this.download) return original.call(this);
        window.__downloads.push(
          fetch(this.href)
            .then((response) => response.arrayBuffer())
            .then((buffer) => ({ name: this.download, bytes: [...new Uint8Array(buffer)] })),
        );
      };
    });
    await action();
    await this.waitUntil(() => window.__downloads.length > 0, undefined, 'a download');
    const file = await this.evaluate(() => window.__downloads[0]);
    return { name: file.name, bytes: Buffer.from(file.bytes) };
  }

  addStyleTag(css) {
    return this.evaluate((text) => {
      const style = document.createElement('style');
      style.textContent = text;
      document.head.append(style);
    }, css);
  }

  /** Reloads and waits for the game again. */
  async reload() {
    await this.reloadPage();
    await this.waitForGame();
  }
}

/**
 * Splits a key combination as the tests write it ('Control+Shift+Z',
 * 'KeyT', '+') into modifiers and a key.
 */
export function parseKeys(combo) {
  if (combo === '+') return { modifiers: [], key: '+' };
  if (combo.endsWith('++')) return { modifiers: combo.slice(0, -2).split('+'), key: '+' };
  const parts = combo.split('+');
  return { modifiers: parts.slice(0, -1), key: parts[parts.length - 1] };
}

/** The character a key name types: 'KeyT' → 't', 'Digit3' → '3'; other names unchanged. */
export function keyCharacter(key) {
  const match = /^(?:Key([A-Z])|Digit([0-9]))$/.exec(key);
  if (!match) return key;
  return match[1] ? match[1].toLowerCase() : match[2];
}

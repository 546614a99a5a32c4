// The three engines the browser suite runs in, and what each can do here,
// as the tests measure it (README.md's supported-browsers table lists the
// same). `QS_BROWSER` picks the engine (default chromium).
//
//   threads       the threaded build runs when the page is isolated
//   webgl2        the WebGL2 renderer is used (else Canvas2D)
//   waitAsync     the main thread sleeps in Atomics.waitAsync
//   isolatedCode  the loader's THREAD_SUPPORT code on an isolated page
//   rightButton   the driver can press and release the right mouse button
//   pickClicks    an Alt+click and a middle-click reach the page as such (the eyedropper)

export const ENGINES = Object.freeze({
  chromium: Object.freeze({ name: 'chromium', label: 'Chromium (headless)', threads: true, webgl2: true, waitAsync: true, isolatedCode: 'ok', rightButton: true, pickClicks: true }),
  firefox: Object.freeze({ name: 'firefox', label: 'Firefox ESR (under Xvfb)', threads: true, webgl2: true, waitAsync: true, isolatedCode: 'ok', rightButton: true, pickClicks: true }),
  // WebKitGTK is cross-origin isolated and makes shared memories, but
  // cannot post one to a worker: the loader's probe says no-shared-memory.
  // Its WebDriver dispatches a right-button pointerdown but never the
  // pointerup (in one action chain or two), so right-button strokes
  // (erasing) cannot be driven there. Neither an Alt+click nor a
  // middle-click picks a material there either (the Pick tool does), so
  // the eyedropper's shortcuts are not driven in WebKit.
  webkit: Object.freeze({ name: 'webkit', label: 'WebKitGTK MiniBrowser (under Xvfb)', threads: false, webgl2: true, waitAsync: true, isolatedCode: 'no-shared-memory', rightButton: false, pickClicks: false }),
});

function selected() {
  const name = process.env.QS_BROWSER ?? 'chromium';
  const engine = ENGINES[name];
  if (!engine) throw new Error(`QS_BROWSER=${name}: not one of ${Object.keys(ENGINES).join(', ')}`);
  return engine;
}

/** The engine this run drives. */
export const ENGINE = selected();

/**
 * Test options for a test that needs `capability` (a key above): skipped,
 * with the reason, in an engine without it. A test that applies everywhere
 * takes no such option.
 */
export function needs(capability, why = '') {
  if (ENGINE[capability]) return {};
  return { skip: `${ENGINE.name} has no ${capability}${why ? `: ${why}` : ''}` };
}

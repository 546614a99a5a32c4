// The notice shown while the game runs single-threaded: what is slower, why
// (the loader's THREAD_SUPPORT code, in plain words), a link to the
// details, and a button that dismisses it. The loader's own sentence, which
// names headers and APIs for whoever runs the site, is the link's tooltip.

import { THREAD_SUPPORT } from './pkg/loader/quicksand.js';

/** www/README.md's section on threads and the fallback, served next to the page. */
export const DETAILS_HREF = 'README.md#threads-and-the-fallback';

const WHY = {
  [THREAD_SUPPORT.NOT_ISOLATED]: () => 'this page was served without the settings that let a page share memory with worker threads',
  [THREAD_SUPPORT.NO_SHARED_MEMORY]: () => 'this browser cannot share memory with worker threads',
  [THREAD_SUPPORT.WORKER_START]: (detail) => `the worker threads failed to start${detail ? ` (${detail})` : ''}`,
};

/** The notice's sentence for a refusal `{ code, reason }`; `detail` is a worker's own error, for 'worker-start'. */
export function fallbackSentence({ code }, detail = '') {
  const why = (WHY[code] ?? WHY[THREAD_SUPPORT.WORKER_START])(detail);
  return `Running on one thread, so the sand moves more slowly in big worlds: ${why}.`;
}

export class FallbackNotice {
  /** `element` is the page's #notice, hidden until `show`. */
  constructor(element) {
    this.element = element;
  }

  /** Shows why the game is single-threaded; `detail` as for `fallbackSentence`. */
  show(support, detail = '') {
    const doc = this.element.ownerDocument;
    const text = doc.createElement('span');
    text.className = 'notice-text';
    text.textContent = fallbackSentence(support, detail);
    const more = doc.createElement('a');
    more.className = 'notice-more';
    more.href = DETAILS_HREF;
    more.target = '_blank';
    more.rel = 'noopener';
    more.textContent = 'Details';
    more.title = support.reason || detail;
    const close = doc.createElement('button');
    close.type = 'button';
    close.className = 'notice-close';
    close.setAttribute('aria-label', 'Dismiss this notice');
    close.textContent = '×';
    close.addEventListener('click', () => this.hide());
    this.element.dataset.code = support.code;
    this.element.replaceChildren(text, ' ', more, ' ', close);
    this.element.hidden = false;
  }

  hide() {
    this.element.hidden = true;
  }
}

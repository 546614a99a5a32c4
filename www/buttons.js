// What every button of the page does on a click: the action, and the
// focus given back, because after a mouse click a focused button would
// turn the next Space (play/pause, or pan while held) into another click.

/** Runs `fn` on clicks of `element`; a mouse click (not a key) leaves no focus behind. */
export function onClick(element, fn) {
  element.addEventListener('click', (event) => {
    if (event.detail > 0) element.blur();
    fn();
  });
}

// Keyboard shortcuts: single keys and `g <key>` sequences, ignored while typing in a field.

const SEQUENCE_MS = 1200;

function typingIn(target) {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return target.isContentEditable || tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/**
 * `single`: key → action; `goto`: key after `g` → action; `escape`: called on Esc anywhere.
 */
export function installShortcuts({ single, goto, escape }) {
  let pendingG = 0;
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'Escape') {
      escape(event);
      return;
    }
    if (typingIn(event.target) || document.querySelector('dialog[open]')) return;
    const now = Date.now();
    if (pendingG && now - pendingG < SEQUENCE_MS) {
      pendingG = 0;
      const action = goto[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
      return;
    }
    if (event.key === 'g') {
      pendingG = now;
      return;
    }
    const action = single[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
}

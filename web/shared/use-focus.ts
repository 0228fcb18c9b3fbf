/**
 * Where the keyboard goes when something appears: a dialog's safe answer, a form's first
 * box, the sentence that says what just happened. One hook for the console and the
 * widget, so each place names only its element and its moment.
 */
import { useEffect, useRef } from 'preact/hooks';

/** Focus that fell back to the page's start: the control it was on was removed or disabled. */
export function focusLost(): boolean {
  return document.activeElement === null || document.activeElement === document.body;
}

/**
 * A ref whose element takes the focus when it appears, and again each time `when` turns
 * truthy (a new value is a new moment). `ifLost`: only when the focus was lost, never
 * taken from where the user has it (the host page's own form, say).
 */
export function useFocusOnOpen<T extends HTMLElement>(when: unknown = true, ifLost?: boolean) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (when && (!ifLost || focusLost())) ref.current?.focus();
  }, [when]);
  return ref;
}

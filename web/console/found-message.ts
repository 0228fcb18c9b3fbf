/**
 * The message a search result opened the chat at: marked in the history, scrolled to the
 * middle of it and given the focus once it is loaded. The shared message list takes this
 * through its `mark` and `onLayout`, so the widget, which has no search, does not ship it.
 */
import { useRef } from 'preact/hooks';
import type { Message } from '../shared/types.js';
import type { MessageMark } from '../shared/ui/message-list.js';

export function useFoundMessage(foundSeq: number | undefined) {
  /** The found message already scrolled to: once, so that reading on is not pulled back. */
  const shown = useRef<number | undefined>(undefined);
  return {
    mark: (m: Message): MessageMark | undefined =>
      m.seq === foundSeq ? { 'data-found': 'true', tabIndex: -1 } : undefined,
    onLayout(list: HTMLDivElement) {
      if (foundSeq === undefined || shown.current === foundSeq) return;
      const found = list.querySelector<HTMLElement>(`[data-seq="${foundSeq}"]`);
      if (!found) return;
      shown.current = foundSeq;
      found.scrollIntoView({ block: 'center' });
      found.focus({ preventScroll: true });
    },
  };
}

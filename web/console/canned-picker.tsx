/**
 * The composer's canned replies: typing `/` at the start of the box offers the matching
 * replies in a listbox, filtered as the agent types (shortcut, then title). Keyboard
 * only works: ArrowDown/ArrowUp move through the options, Enter or Tab inserts the one
 * chosen (the first when none is), Escape closes the list until the text changes.
 * Inserting replaces the box's text with the reply, `{{user.name}}` and `{{agent.name}}`
 * filled in; the agent reads and sends it as any message. The ARIA combobox pattern as far
 * as a textarea may take it (HTML allows a textarea no role but textbox): the box says it
 * completes from a list (`aria-autocomplete`, `aria-controls`), the list is a listbox
 * shown only while it has options, the chosen option the box's active descendant, and a
 * polite live region says how many are offered and how to choose. With no canned replies
 * saved at all, `/` says so and where to add them, rather than offering nothing.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { fillPlaceholders, type PlaceholderValues } from '../../src/canned-replies/placeholders.js';
import type { Translate } from '../shared/i18n/index.js';
import type { ToolKey } from '../shared/i18n/tools.js';
import type { CannedReply } from '../shared/types.js';
import { Isolated } from '../shared/ui/isolated.js';
import { cannedQueryOf, matchCanned } from './canned.js';

interface Options {
  /** The box's id: the list's and options' ids derive from it. */
  id: string;
  text: string;
  setText(text: string): void;
  /** Undefined until the list was read: `/` then says nothing rather than "none saved". */
  replies: readonly CannedReply[] | undefined;
  values: PlaceholderValues;
  k: Translate<ToolKey>;
}

/** What the picker adds to the reply box (the shared composer's `box` and children). */
export interface CannedPicker {
  /**
   * The combobox pattern's attributes that a textarea may carry (HTML allows it no role
   * but textbox, so neither `combobox` nor `aria-expanded`), and the hint at `/`.
   */
  box: JSX.IntrinsicElements['textarea'];
  /**
   * For the box's wrapper: the capture phase sees the box's keys before the box does, so
   * a key the list takes (Enter inserting a reply) is not also the box's (Enter sending).
   */
  onKeyDownCapture(e: KeyboardEvent): void;
  popup: ComponentChildren;
}

export function useCannedPicker({ id, text, setText, replies, values, k }: Options): CannedPicker {
  const [active, setActive] = useState(-1);
  const [dismissed, setDismissed] = useState<string | undefined>(undefined);
  const query = cannedQueryOf(text);
  const matches =
    query === undefined || dismissed === text ? [] : matchCanned(replies ?? [], query);
  const open = matches.length > 0;
  const noneSaved = query !== undefined && replies?.length === 0 && dismissed !== text;
  const listId = `${id}-canned`;
  const optionId = (i: number) => `${listId}-${i}`;

  // A new query starts with no option chosen.
  useEffect(() => setActive(-1), [query]);

  const insert = (reply: CannedReply | undefined) => {
    if (!reply) return;
    setText(fillPlaceholders(reply.content, values));
    setActive(-1);
  };

  /** true: the key was the list's, and the box does nothing more with it. */
  const take = (e: KeyboardEvent): boolean => {
    if (noneSaved && e.key === 'Escape') {
      setDismissed(text);
      return true;
    }
    if (!open || e.isComposing) return false;
    switch (e.key) {
      case 'ArrowDown':
        setActive((a) => (a + 1) % matches.length);
        return true;
      case 'ArrowUp':
        setActive((a) => (a <= 0 ? matches.length - 1 : a - 1));
        return true;
      case 'Enter':
      case 'Tab':
        if (e.shiftKey) return false;
        insert(matches[Math.max(active, 0)]);
        return true;
      case 'Escape':
        setDismissed(text);
        setActive(-1);
        return true;
      default:
        return false;
    }
  };

  return {
    box: {
      'aria-controls': listId,
      'aria-autocomplete': 'list',
      'aria-activedescendant': open && active >= 0 ? optionId(active) : undefined,
      placeholder: k('cannedHint'),
    },
    onKeyDownCapture(e) {
      // The box's keys only: the attach and send buttons keep theirs.
      if (!(e.target instanceof HTMLTextAreaElement) || e.target.id !== id || !take(e)) return;
      e.preventDefault();
      e.stopPropagation();
    },
    popup: (
      <>
        <div
          id={listId}
          role="listbox"
          class="canned"
          aria-label={k('cannedListLabel')}
          hidden={!open}
        >
          {matches.map((reply, i) => (
            <div
              key={reply.id}
              id={optionId(i)}
              role="option"
              // Focus stays in the box (its active descendant); -1 keeps the option out of Tab.
              tabIndex={-1}
              class="canned__option"
              aria-selected={i === active}
              data-canned-id={reply.id}
              // mousedown, not click: the box keeps the focus.
              onMouseDown={(e) => {
                e.preventDefault();
                insert(reply);
              }}
            >
              <span class="canned__shortcut">/{reply.shortcut}</span>{' '}
              <Isolated class="canned__title" text={reply.title} />
            </div>
          ))}
        </div>
        <p class="canned canned--none" data-testid="canned-none" hidden={!noneSaved}>
          {k('cannedNone', { tab: k('cannedTab') })}
        </p>
        <p class="visually-hidden" aria-live="polite">
          {open
            ? k('cannedOffered', { count: matches.length })
            : noneSaved
              ? k('cannedNone', { tab: k('cannedTab') })
              : ''}
        </p>
      </>
    ),
  };
}

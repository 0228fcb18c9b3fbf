/**
 * A chat's labels in its header: chips, each with a button that removes it, and a box
 * that adds one (Enter). Every change sends the whole set (PUT /api/chats/:chatId/labels);
 * the server trims and drops repeats, and its answer is what the chip row shows. Offered
 * to every admin who sees the chat: the server's rule for labelling is viewing.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import * as LIMITS from '../../src/schemas/limits.js';
import { hasVisibleCharacter } from '../../src/schemas/text-rules.js';
import { isolated } from '../shared/bidi.js';
import { adminClaimOf } from '../shared/claim.js';
import type { ChatClient } from '../shared/client.js';
import type { Translate } from '../shared/i18n/index.js';
import type { ToolKey } from '../shared/i18n/tools.js';
import type { Chat, Identity } from '../shared/types.js';
import { Isolated } from '../shared/ui/isolated.js';

interface Props {
  client: ChatClient;
  me: Identity;
  chat: Chat;
  k: Translate<ToolKey>;
  onChat(chat: Chat): void;
}

export function LabelEditor({ client, me, chat, k, onChat }: Props) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const labels = chat.labels ?? [];
  const inputId = `labels-${chat._id}`;
  const input = useRef<HTMLInputElement>(null);
  // The chip removed took its button (the keyboard's place) with it: the box takes the
  // keyboard. Refused, the chip stays, and its button (disabled while the removal was on its
  // way, which dropped the keyboard) takes it back once enabled.
  const list = useRef<HTMLUListElement>(null);
  const [refocus, setRefocus] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (busy || refocus === undefined) return;
    setRefocus(undefined);
    const buttons = list.current?.querySelectorAll<HTMLButtonElement>('.chip__remove') ?? [];
    for (const button of buttons) {
      if (button.closest('[data-label]')?.getAttribute('data-label') === refocus) button.focus();
    }
  }, [busy, refocus]);
  const remove = (label: string) =>
    void save(labels.filter((l) => l !== label)).then((saved) => {
      if (saved) input.current?.focus();
      else setRefocus(label);
    });

  const save = async (next: string[]): Promise<boolean> => {
    setBusy(true);
    try {
      const res = await client.request('PUT /api/chats/:chatId/labels', {
        params: { chatId: chat._id },
        query: adminClaimOf(me),
        body: { labels: next },
      });
      onChat(res.chat);
      setProblem(undefined);
      return true;
    } catch (err) {
      setProblem(k('labelFailed', { reason: err instanceof Error ? err.message : String(err) }));
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset class="labels" data-testid="chat-labels">
      <legend class="visually-hidden">{k('labels')}</legend>
      {labels.length > 0 ? (
        <ul class="labels__list" ref={list}>
          {labels.map((label) => (
            <li key={label} class="chip" data-label={label}>
              <Isolated text={label} />
              <button
                type="button"
                class="chip__remove"
                aria-label={k('labelRemove', { label: isolated(label) })}
                title={k('labelRemove', { label: isolated(label) })}
                disabled={busy}
                onClick={() => remove(label)}
              >
                <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                  <path d="M6 6l12 12M18 6L6 18" />
                </svg>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <form
        class="labels__add"
        onSubmit={(e) => {
          e.preventDefault();
          const label = value.trim();
          if (!hasVisibleCharacter(label) || busy) return;
          void save([...labels, label]).then((saved) => saved && setValue(''));
        }}
      >
        <label class="visually-hidden" for={inputId}>
          {k('labelAdd')}
        </label>
        <input
          ref={input}
          id={inputId}
          class="labels__input"
          value={value}
          maxLength={LIMITS.labelChars}
          placeholder={k('labelAdd')}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button
          type="submit"
          class="button button--plain"
          disabled={busy || !hasVisibleCharacter(value)}
        >
          {k('labelAddButton')}
        </button>
      </form>
      {problem ? (
        <p class="alert" role="alert">
          {problem}
        </p>
      ) : null}
    </fieldset>
  );
}

/** The labels in a chat list's entry: chips, read only. */
export function LabelChips({ labels }: { labels: readonly string[] | undefined }) {
  if (!labels || labels.length === 0) return null;
  return (
    <span class="chip-row">
      {labels.map((label) => (
        <span key={label} class="chip chip--small" data-label={label}>
          <Isolated text={label} />
        </span>
      ))}
    </span>
  );
}

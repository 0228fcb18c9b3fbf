/**
 * The message box: Enter sends, Shift+Enter breaks the line. Reports typing at most every
 * 2 s while keys are pressed, and that typing stopped after 3 s of quiet or on send.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CommonKey } from '../i18n/common.js';
import type { Translate } from '../i18n/index.js';

const TYPING_EVERY_MS = 2000;
const TYPING_IDLE_MS = 3000;

interface Props {
  t: Translate<CommonKey>;
  disabled?: boolean;
  onSend(text: string): void;
  onTyping?(isTyping: boolean): void;
  /** Focus the box when it appears (the widget opening, a chat being selected). */
  autoFocus?: boolean;
  id: string;
}

export function Composer({ t, disabled, onSend, onTyping, autoFocus, id }: Props) {
  const [text, setText] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  const lastSent = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const stopTyping = () => {
    clearTimeout(idle.current);
    idle.current = undefined;
    if (lastSent.current !== 0) {
      lastSent.current = 0;
      onTyping?.(false);
    }
  };

  useEffect(() => {
    if (autoFocus) box.current?.focus();
    return () => clearTimeout(idle.current);
  }, [autoFocus]);

  const submit = () => {
    const value = text.trim();
    if (!value || disabled) return;
    onSend(value);
    setText('');
    stopTyping();
  };

  const onInput = (value: string) => {
    setText(value);
    if (!onTyping) return;
    const now = Date.now();
    if (now - lastSent.current > TYPING_EVERY_MS) {
      lastSent.current = now;
      onTyping(true);
    }
    clearTimeout(idle.current);
    idle.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label class="visually-hidden" for={id}>
        {t('message')}
      </label>
      <textarea
        id={id}
        ref={box}
        class="composer__input"
        rows={2}
        value={text}
        placeholder={t('messagePlaceholder')}
        title={t('shiftEnterHint')}
        disabled={disabled}
        maxLength={10_000}
        onInput={(e) => onInput(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <button type="submit" class="composer__send" disabled={disabled || !text.trim()}>
        {t('send')}
      </button>
    </form>
  );
}

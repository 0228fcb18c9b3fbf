/**
 * The message box: Enter sends, Shift+Enter breaks the line. Reports typing at most every
 * 2 s while keys are pressed, and that typing stopped after 3 s of quiet or on send.
 * With `attach`, a file can go with the message: picked (a labelled file input), pasted
 * (a screenshot with Ctrl+V) or dropped; it uploads at once, with progress and a cancel,
 * and the message may then be empty (the file alone) or its caption.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import * as LIMITS from '../../../src/schemas/limits.js';
import { ACCEPT, filesOf, formatSize, uploadProblem } from '../attachments.js';
import { isolated } from '../bidi.js';
import type { CommonKey } from '../i18n/common.js';
import type { Lang, Translate } from '../i18n/index.js';
import type { UploadedAttachment } from '../types.js';
import type { AttachmentDraft } from '../use-attachment.js';
import { useFocusOnOpen } from '../use-focus.js';
import { Isolated } from './isolated.js';

const TYPING_EVERY_MS = 2000;
const TYPING_IDLE_MS = 3000;

interface Props {
  t: Translate<CommonKey>;
  lang: Lang;
  disabled?: boolean;
  onSend(text: string, attachment?: UploadedAttachment): void;
  onTyping?(isTyping: boolean): void;
  /** Focus the box when it appears (the widget opening, a chat being selected). */
  autoFocus?: boolean;
  id: string;
  attach?: AttachmentDraft;
  /** The text, where the page keeps it (with `onText`); else the box keeps its own. */
  text?: string;
  onText?(text: string): void;
  /**
   * What a page adds to the box (the console's canned replies), kept out of the widget's
   * bundle: attributes for the textarea (its placeholder included, which they replace),
   * and, as children, what it shows above the box. A page that must see the box's keys
   * first listens on its wrapper in the capture phase.
   */
  box?: JSX.IntrinsicElements['textarea'];
  children?: ComponentChildren;
}

export function Composer(props: Props) {
  const { t, lang, disabled, onSend, onTyping, autoFocus, id, attach } = props;
  const [ownText, setOwnText] = useState('');
  const text = props.text ?? ownText;
  const setText = props.onText ?? setOwnText;
  const box = useFocusOnOpen<HTMLTextAreaElement>(autoFocus);
  const lastSent = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const draft = attach?.draft ?? { kind: 'none' };
  const ready = draft.kind === 'ready' ? draft.attachment : undefined;

  const stopTyping = () => {
    clearTimeout(idle.current);
    idle.current = undefined;
    if (lastSent.current !== 0) {
      lastSent.current = 0;
      onTyping?.(false);
    }
  };

  useEffect(() => () => clearTimeout(idle.current), []);

  const submit = () => {
    const value = text.trim();
    if ((!value && !ready) || disabled || draft.kind === 'uploading') return;
    onSend(value, ready);
    setText('');
    if (ready) attach?.cancel();
    stopTyping();
    box.current?.focus();
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

  const fileId = `${id}-file`;
  const hintId = `${id}-file-hint`;
  const limit = attach?.maxBytes ? formatSize(attach.maxBytes, lang, t) : undefined;
  const announced =
    draft.kind === 'uploading'
      ? t('uploading', { name: isolated(draft.file.name) })
      : draft.kind === 'ready'
        ? t('uploadReady', { name: isolated(draft.file.name) })
        : '';

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {attach && draft.kind !== 'none' ? (
        <div class="composer__attachment" data-state={draft.kind}>
          {draft.kind === 'failed' ? (
            <p class="composer__problem" role="alert">
              {uploadProblem(draft.error, draft.file, attach.maxBytes, t, lang)}
            </p>
          ) : (
            <span class="composer__file">
              <Isolated text={draft.file.name} />{' '}
              <span class="composer__size">{formatSize(draft.file.size, lang, t)}</span>
            </span>
          )}
          {draft.kind === 'uploading' ? (
            <progress
              class="composer__progress"
              max={draft.total || 1}
              value={draft.loaded}
              aria-label={t('uploading', { name: isolated(draft.file.name) })}
            />
          ) : null}
          <button
            type="button"
            class="composer__cancel"
            aria-label={draft.kind === 'uploading' ? t('cancelUpload') : t('removeAttachment')}
            title={draft.kind === 'uploading' ? t('cancelUpload') : t('removeAttachment')}
            onClick={() => {
              attach.cancel();
              box.current?.focus();
            }}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d="M6 6l12 12M18 6L6 18" />
            </svg>
          </button>
        </div>
      ) : null}
      {props.children}
      {attach ? (
        <p class="visually-hidden" aria-live="polite" data-testid="upload-status">
          {announced}
        </p>
      ) : null}
      <div class="composer__row">
        {attach ? (
          <>
            <input
              id={fileId}
              type="file"
              class="composer__file-input visually-hidden"
              accept={ACCEPT}
              aria-describedby={limit ? hintId : undefined}
              disabled={disabled}
              onChange={(e) => {
                const [file] = e.currentTarget.files ?? [];
                // Cleared, so picking the same file again is a change too.
                e.currentTarget.value = '';
                if (file) attach.attach(file);
              }}
            />
            <label class="composer__attach" for={fileId} title={t('attach')}>
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d="M16.5 6.5l-7.8 7.8a2 2 0 0 0 2.8 2.8l7.8-7.8a4 4 0 0 0-5.6-5.6L5.9 11.5a6 6 0 0 0 8.5 8.5l6.1-6.1" />
              </svg>
              <span class="visually-hidden">{t('attach')}</span>
            </label>
            {limit ? (
              <span id={hintId} class="visually-hidden">
                {t('attachLimit', { max: limit })}
              </span>
            ) : null}
          </>
        ) : null}
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
          {...props.box}
          title={t('shiftEnterHint')}
          disabled={disabled}
          maxLength={LIMITS.contentChars}
          onInput={(e) => onInput(e.currentTarget.value)}
          onPaste={(e) => {
            // A pasted screenshot is a file: attach it; pasted text goes in as usual.
            const [file] = attach ? filesOf(e.clipboardData) : [];
            if (!file || !attach) return;
            e.preventDefault();
            attach.attach(file);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        <button
          type="submit"
          class="composer__send"
          disabled={disabled || draft.kind === 'uploading' || (!text.trim() && !ready)}
        >
          {t('send')}
        </button>
      </div>
    </form>
  );
}

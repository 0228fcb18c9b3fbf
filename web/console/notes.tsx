/**
 * Internal notes in the console: the toggle that turns the reply box into a note box, and
 * each note as a notice of the message list, placed after the message it followed
 * (afterSeq), in yellow and labelled "Internal note" by its writer, so that it never
 * reads as a message from the customer. Who may write one is the server's own rule
 * (notes/permissions.ts).
 */
import { mayWriteNote } from '../../src/notes/permissions.js';
import { actorOf } from '../shared/actor.js';
import type { CommonKey } from '../shared/i18n/common.js';
import { type Lang, type Translate, translator } from '../shared/i18n/index.js';
import { type NotesKey, noteStrings } from '../shared/i18n/notes.js';
import { fullTime, messageTime, type ReaderClock } from '../shared/timeline.js';
import type { Chat, Identity, Note } from '../shared/types.js';
import { Isolated } from '../shared/ui/isolated.js';
import { MessageBody } from '../shared/ui/message-body.js';
import type { Notice } from '../shared/ui/message-list.js';

export const notesTranslator = (lang: Lang): Translate<NotesKey> => translator(noteStrings, lang);

/** Whether this admin may write a note in the chat (the server's rule). */
export const mayNote = (chat: Chat, me: Identity): boolean => mayWriteNote(chat, actorOf(me));

/** The composer's strings in note mode: its box says it writes a note. */
export function noteComposerStrings(
  t: Translate<CommonKey>,
  n: Translate<NotesKey>,
): Translate<CommonKey> {
  return (key, params) =>
    key === 'messagePlaceholder'
      ? n('notePlaceholder')
      : key === 'message'
        ? n('noteLabel')
        : t(key, params);
}

interface ToggleProps {
  on: boolean;
  n: Translate<NotesKey>;
  onChange(on: boolean): void;
}

/** A toggle button (Space/Enter), described by its hint for screen readers. */
export function NoteToggle({ on, n, onChange }: ToggleProps) {
  return (
    <div class="note-toggle">
      <button
        type="button"
        class="note-toggle__button"
        data-testid="note-toggle"
        aria-pressed={on}
        aria-describedby="note-toggle-hint"
        title={n('noteToggleHint')}
        onClick={() => onChange(!on)}
      >
        {n('noteToggle')}
      </button>
      <span id="note-toggle-hint" class="note-toggle__hint">
        {on ? n('noteToggleHint') : ''}
      </span>
    </div>
  );
}

interface CardProps {
  note: Note;
  n: Translate<NotesKey>;
  t: Translate<CommonKey>;
  lang: Lang;
  clock: ReaderClock;
}

function NoteCard({ note, n, t, lang, clock }: CardProps) {
  return (
    <article class="note" data-note-id={note._id} data-after-seq={note.afterSeq}>
      <header class="note__head">
        <span class="note__label">{n('noteLabel')}</span>
        <span class="note__sender">
          <Isolated text={note.senderName || note.senderId} />
        </span>
        <time dateTime={note.createdAt} title={fullTime(note.createdAt, clock)}>
          {messageTime(note.createdAt, clock)}
        </time>
      </header>
      <MessageBody
        content={note.content}
        messageType="text"
        fileUrl={null}
        attachment={undefined}
        server=""
        t={t}
        lang={lang}
      />
    </article>
  );
}

/** The notes as notices of the message list, each after the message with seq = afterSeq. */
export function noteNotices(
  notes: readonly Note[],
  strings: { n: Translate<NotesKey>; t: Translate<CommonKey>; lang: Lang; clock: ReaderClock },
): Notice[] {
  return notes.map((note) => ({
    key: `note-${note._id}`,
    afterSeq: note.afterSeq,
    text: <NoteCard note={note} {...strings} />,
  }));
}

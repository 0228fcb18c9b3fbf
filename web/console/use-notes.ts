/**
 * The internal notes of the chat open in the console: those the history pages carried
 * (useChat's `onNotes`), those that arrive live (`note-added`), and those this admin
 * writes. Kept by id (a catch-up page may bring a note again), in the server's order:
 * by afterSeq, then time.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ChatClient } from '../shared/client.js';
import { newClientMessageId } from '../shared/ids.js';
import type { Note } from '../shared/types.js';

export interface NotesView {
  notes: readonly Note[];
  /** Notes a history page carried. */
  add(notes: readonly Note[]): void;
  /** Writes a note; resolves when it is stored, throws ApiError when refused. */
  write(content: string): Promise<void>;
}

const placed = (a: Note, b: Note): number =>
  a.afterSeq - b.afterSeq ||
  (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) ||
  (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

function mergeNotes(known: readonly Note[], more: readonly Note[]): readonly Note[] {
  const fresh = more.filter((n) => !known.some((k) => k._id === n._id));
  return fresh.length === 0 ? known : [...known, ...fresh].sort(placed);
}

export function useNotes(client: ChatClient, chatId: string): NotesView {
  const [notes, setNotes] = useState<readonly Note[]>([]);
  const add = useCallback(
    (more: readonly Note[]) => setNotes((known) => mergeNotes(known, more)),
    [],
  );

  useEffect(() => {
    setNotes([]);
    return client.on('note-added', (p) => {
      if (p.chatId === chatId) add([p.note]);
    });
  }, [client, chatId, add]);

  const write = useCallback(
    async (content: string) => {
      const reply = await client.emit('send-message', {
        chatId,
        content,
        internal: true,
        clientMessageId: newClientMessageId(),
      });
      if ('note' in reply) add([reply.note]);
    },
    [client, chatId, add],
  );

  return { notes, add, write };
}

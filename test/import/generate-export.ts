/**
 * Writes a v2 export the way mongoexport does, with the `bson` package's EJSON (the reference
 * writer): chats and messages, relaxed or canonical Extended JSON, as JSON lines or a JSON
 * array. Messages are written newest first and interleaved across chats, so the import must
 * order each chat itself; two messages per chat share a createdAt (the tie goes to the _id).
 * Returns what the import should produce for each chat.
 */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON, ObjectId } from 'bson';

export type ExportForm = 'lines' | 'array';
/** 'mixed' alternates relaxed and canonical from one document to the next. */
export type EjsonMode = 'relaxed' | 'canonical' | 'mixed';

export interface ExpectedChat {
  id: string;
  userId: string;
  status: 'waiting' | 'active' | 'closed';
  /** Message ids in seq order. */
  messageIds: string[];
  unreadCount: number;
  lastMessage: string;
  lastMessageAt: string;
}

export interface GenerateOptions {
  dir: string;
  chats: number;
  messagesPerChat: number;
  chatsForm: ExportForm;
  messagesForm: ExportForm;
  mode: EjsonMode;
}

type Doc = Record<string, unknown>;

const BASE_MS = Date.UTC(2024, 0, 1);
const LONG_TEXT = `${'Payment question with emoji 😀 and more text. '.repeat(4)}end`;

function objectIdAt(ms: number, n: number): ObjectId {
  const hex =
    Math.floor(ms / 1000)
      .toString(16)
      .padStart(8, '0') + n.toString(16).padStart(16, '0');
  return new ObjectId(hex);
}

function encode(doc: Doc, index: number, mode: EjsonMode): string {
  const relaxed = mode === 'relaxed' || (mode === 'mixed' && index % 2 === 0);
  return EJSON.stringify(doc, { relaxed });
}

/** Writes documents in batches so a big export never sits in memory as one string. */
class ExportWriter {
  private count = 0;
  private buffer: string[] = [];

  constructor(
    private readonly path: string,
    private readonly form: ExportForm,
    private readonly mode: EjsonMode,
  ) {
    writeFileSync(path, form === 'array' ? '[' : '');
  }

  write(doc: Doc): void {
    const text = encode(doc, this.count, this.mode);
    this.buffer.push(
      this.form === 'array' ? `${this.count > 0 ? ',' : ''}\n  ${text}` : `${text}\n`,
    );
    this.count++;
    if (this.buffer.length >= 5000) this.flush();
  }

  end(): void {
    if (this.form === 'array') this.buffer.push('\n]\n');
    this.flush();
  }

  private flush(): void {
    appendFileSync(this.path, this.buffer.join(''));
    this.buffer = [];
  }
}

export function generateExport(options: GenerateOptions): ExpectedChat[] {
  const chatsOut = new ExportWriter(
    join(options.dir, 'chats.json'),
    options.chatsForm,
    options.mode,
  );
  const messagesOut = new ExportWriter(
    join(options.dir, 'messages.json'),
    options.messagesForm,
    options.mode,
  );
  const expected: ExpectedChat[] = [];
  const messagesByChat: Doc[][] = [];
  let idCounter = 1;
  for (let i = 0; i < options.chats; i++) {
    const createdMs = BASE_MS + i * 60_000;
    const chatId = objectIdAt(createdMs, idCounter++);
    const status = (['waiting', 'active', 'closed'] as const)[i % 3] ?? 'waiting';
    const messages: Doc[] = [];
    let unread = 0;
    for (let j = 0; j < options.messagesPerChat; j++) {
      // Messages 10 and 11 share a createdAt; ids are given so that 11 sorts first.
      const atMs = createdMs + 1000 + (j === 11 ? 10 : j) * 1000;
      const senderType = j % 7 === 6 ? 'system' : j % 2 === 0 ? 'user' : 'admin';
      const isRead = j < options.messagesPerChat - 6;
      if (senderType === 'user' && !isRead) unread++;
      const last = j === options.messagesPerChat - 1;
      const image = last && i % 2 === 0;
      messages.push({
        _id: objectIdAt(atMs, j === 10 ? idCounter + 1 : j === 11 ? idCounter - 1 : idCounter),
        chatId,
        senderId: senderType === 'user' ? `user-${i}` : 'admin-1',
        senderType,
        senderName: senderType === 'user' ? `User ${i}` : 'Admin',
        content: image ? '' : last ? LONG_TEXT : `message ${j} of chat ${i}`,
        messageType: image ? 'image' : 'text',
        fileUrl: image ? `https://files.example/${i}.png` : '',
        isRead,
        readAt: isRead ? new Date(atMs + 500) : null,
        createdAt: new Date(atMs),
        updatedAt: new Date(atMs),
        __v: 0,
      });
      idCounter++;
    }
    messagesByChat.push(messages);
    const ordered = [...messages].sort(
      (a, b) =>
        (a.createdAt as Date).getTime() - (b.createdAt as Date).getTime() ||
        String(a._id).localeCompare(String(b._id)),
    );
    const lastDoc = ordered[ordered.length - 1];
    chatsOut.write({
      _id: chatId,
      userId: `user-${i}`,
      userName: `User ${i}`,
      status,
      assignedAdminId: status === 'waiting' ? null : 'admin-1',
      assignedAdminName: status === 'waiting' ? null : 'Admin',
      isLocked: status === 'active',
      lockedByAdminId: status === 'active' ? 'admin-1' : null,
      lockedByAdminName: status === 'active' ? 'Admin' : null,
      // Stale on purpose: the import recomputes these.
      lastMessage: 'stale',
      lastMessageAt: new Date(createdMs),
      unreadCount: 99,
      userOnline: true,
      createdAt: new Date(createdMs),
      updatedAt: new Date(createdMs + 5000),
      __v: 0,
    });
    expected.push({
      id: chatId.toHexString(),
      userId: `user-${i}`,
      status,
      messageIds: ordered.map((m) => (m._id as ObjectId).toHexString()),
      unreadCount: unread,
      lastMessage: !lastDoc
        ? ''
        : lastDoc.messageType === 'image'
          ? '[image]'
          : Array.from(String(lastDoc.content)).slice(0, 100).join(''),
      lastMessageAt: lastDoc
        ? (lastDoc.createdAt as Date).toISOString()
        : new Date(createdMs).toISOString(),
    });
  }
  // Newest first, interleaved across chats.
  for (let j = options.messagesPerChat - 1; j >= 0; j--) {
    for (const messages of messagesByChat) {
      const doc = messages[j];
      if (doc) messagesOut.write(doc);
    }
  }
  chatsOut.end();
  messagesOut.end();
  return expected;
}

/**
 * A new temporary folder (`prefix` names it) holding an export of `chats` chats with
 * `messagesPerChat` messages each, both files JSON lines of relaxed Extended JSON: the
 * export most of the import's tests read. The caller removes `dir`.
 */
export function linesExportIn(
  prefix: string,
  chats: number,
  messagesPerChat: number,
): { dir: string; expected: ExpectedChat[] } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const expected = generateExport({
    dir,
    chats,
    messagesPerChat,
    chatsForm: 'lines',
    messagesForm: 'lines',
    mode: 'relaxed',
  });
  return { dir, expected };
}

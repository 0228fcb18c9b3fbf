/**
 * SQLite's append path: a batch of new messages in one IMMEDIATE transaction of prepared
 * statements (one fsync). It is plain CommonJS so that Node can run it as is on a worker
 * thread, which is how a file database uses it: the commit and its fsync then never
 * block the event loop (they took a fifth of it at half load). An in-memory database,
 * which a second thread cannot open, runs the same code on the main thread.
 *
 * It answers with raw values, per draft: { kind: 'stored', seq, chat } (chat: the row as
 * updated), { kind: 'duplicate', row } (the earlier message), or { kind: 'rejected' }
 * (chat missing or closed). Mapping rows to the wire shape is the caller's job.
 */
'use strict';
const { isMainThread, parentPort, workerData } = require('node:worker_threads');

/** The settings every connection to the file uses, on any thread. */
function configureConnection(db) {
  // WAL lets readers run beside the writer; synchronous=FULL fsyncs every commit, so an
  // acknowledged message survives a power cut, not only a process crash.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Two connections write (this one and the main thread's): wait for the other's commit.
  db.pragma('busy_timeout = 5000');
}

function createAppender(db) {
  const byClientId = db.prepare('SELECT * FROM messages WHERE chatId = ? AND clientMessageId = ?');
  const bumpChat = db.prepare(
    `UPDATE chats SET lastSeq = lastSeq + 1, lastMessage = ?, lastMessageAt = ?,
       unreadCount = unreadCount + ?, updatedAt = ?
     WHERE id = ? AND status <> 'closed' RETURNING *`,
  );
  const insert = db.prepare(
    `INSERT INTO messages (id, chatId, seq, senderId, senderType, senderName, content, messageType,
       fileUrl, isRead, readAt, clientMessageId, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?)`,
  );

  const appendOne = (draft, at) => {
    if (draft.clientMessageId) {
      const earlier = byClientId.get(draft.chatId, draft.clientMessageId);
      if (earlier) return { kind: 'duplicate', row: earlier };
    }
    const { lastMessage, unreadIncrement } = draft.effect;
    const chat = bumpChat.get(lastMessage, at, unreadIncrement, at, draft.chatId);
    if (!chat) return { kind: 'rejected' };
    insert.run(
      draft.id,
      draft.chatId,
      chat.lastSeq,
      draft.senderId,
      draft.senderType,
      draft.senderName,
      draft.content,
      draft.messageType,
      draft.fileUrl,
      draft.clientMessageId,
      at,
      at,
    );
    return { kind: 'stored', seq: chat.lastSeq, chat };
  };
  // IMMEDIATE: take the write lock before the first read, so a commit on the other
  // connection can never invalidate what this transaction read (SQLITE_BUSY_SNAPSHOT).
  const appendAll = db.transaction((drafts, at) => drafts.map((d) => appendOne(d, at)));
  return (drafts, at) => appendAll.immediate(drafts, at);
}

// As a worker: own a connection to the file and answer batches in the order they came.
if (!isMainThread && workerData?.sqliteAppender) {
  const Database = require('better-sqlite3');
  const db = new Database(workerData.path);
  configureConnection(db);
  const append = createAppender(db);
  parentPort.postMessage({ ready: true });
  parentPort.on('message', (request) => {
    if (request.close) {
      db.close();
      parentPort.close();
      return;
    }
    try {
      parentPort.postMessage({ id: request.id, results: append(request.drafts, request.at) });
    } catch (err) {
      parentPort.postMessage({
        id: request.id,
        error: { message: String(err?.message ?? err), code: err?.code },
      });
    }
  });
}

module.exports = { configureConnection, createAppender };

/**
 * `message.created`'s outbox rows for one append batch, written inside the batch's own
 * transaction (SQLite) or statement (PostgreSQL), so a message acknowledged is an event
 * that survives any crash. The appends call these only when webhooks are configured: with
 * no WEBHOOK_URLS a batch runs exactly as before.
 *
 * The body is `{type, timestamp, data: {chatId, message}}` with the message as stored (its
 * text already masked) in its wire shape. Its webhook-id is derived from the message id
 * (`msg_<_id>`, then `msg_<_id>_2`, `_3`… for the second and later receivers): stable, and
 * a receiver can tell which message an event is about without reading the body.
 */
import type { Insertable } from 'kysely';
import type { Message } from '../schemas/shapes.js';
import { webhookBody } from '../webhooks/events.js';
import { newMessageRow, toMessage } from './rows.js';
import type { WebhookOutboxTable } from './schema.js';
import type { MessageDraft } from './store.js';

export const MESSAGE_CREATED = 'message.created';

/** The webhook-id of a message's event for receiver `k` (0-based, WEBHOOK_URLS order). */
export const messageWebhookId = (messageId: string, k: number): string =>
  k === 0 ? `msg_${messageId}` : `msg_${messageId}_${k + 1}`;

const body = (message: Message, at: string): string =>
  webhookBody(MESSAGE_CREATED, at, { chatId: message.chatId, message });

/** SQLite: the stored messages of a batch, each seq known, one row per receiver. */
export function messageCreatedRows(
  stored: readonly Message[],
  urls: readonly string[],
): Insertable<WebhookOutboxTable>[] {
  const rows: Insertable<WebhookOutboxTable>[] = [];
  for (const message of stored) {
    const text = body(message, message.createdAt);
    urls.forEach((url, k) => {
      rows.push({
        id: messageWebhookId(message._id, k),
        url,
        chatId: message.chatId,
        type: MESSAGE_CREATED,
        body: text,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: message.createdAt,
        leaseUntil: null,
        lastError: null,
        createdAt: message.createdAt,
        deliveredAt: null,
      });
    });
  }
  return rows;
}

/**
 * PostgreSQL: the seq is decided inside the statement, so each draft's body is sent in two
 * parts, before and after the seq's digits, which the statement joins (`pre || seq || post`).
 * The split is at the first `"seq":` key: every earlier key is a server-made id, and text a
 * client wrote has its quotes escaped in JSON, so nothing it contains can be taken for it.
 */
export function messageCreatedBodyParts(
  draft: MessageDraft,
  id: string,
  at: string,
): [string, string] {
  const text = body(toMessage(newMessageRow(draft, id, 0, at)), at);
  const marker = '"seq":0';
  const cut = text.indexOf(marker) + marker.length - 1;
  return [text.slice(0, cut), text.slice(cut + 1)];
}

/**
 * The statement's part that inserts them, from its `numbered` rows (which carry the parts as
 * `hpre`, `hpost`) and the receivers' URLs bound as `urlsParam`. Ordered by chat and seq, so
 * the outbox's own order (its serial) is each chat's message order.
 */
export function messageCreatedOutboxSql(urlsParam: string, atParam: string): string {
  return `
  hooked AS (
    INSERT INTO webhook_outbox (id, url, "chatId", type, body, status, attempts, "nextAttemptAt",
      "leaseUntil", "lastError", "createdAt", "deliveredAt")
    SELECT CASE WHEN u.k = 1 THEN 'msg_' || n.id ELSE 'msg_' || n.id || '_' || u.k END,
      u.url, n.chat, '${MESSAGE_CREATED}', n.hpre || n.seq || n.hpost, 'pending', 0, ${atParam},
      NULL, NULL, ${atParam}, NULL
    FROM numbered n CROSS JOIN unnest(${urlsParam}::text[]) WITH ORDINALITY AS u(url, k)
    ORDER BY n.chat, n.seq, u.k
  )`;
}

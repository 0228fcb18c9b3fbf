/** Superadmins' view of the webhook outbox: what failed, and sending it again. */
import { auditActor } from '../audit/actor.js';
import { type Actor, isSuperAdmin } from '../auth/actor.js';
import { Forbidden, NotFound } from '../errors.js';
import { LIMITS } from '../schemas/vocabulary.js';
import type { Delivery, WebhookOutbox } from './outbox.js';

type WireDelivery = Omit<Delivery, 'seq' | 'body'>;

function toWire({ seq: _seq, body: _body, ...delivery }: Delivery): WireDelivery {
  return delivery;
}

function assertMayManageWebhooks(actor: Actor): void {
  if (!isSuperAdmin(actor))
    throw new Forbidden('Only superadmins may see or retry webhook deliveries');
}

export async function listDeliveries(
  { store }: { store: { webhooks: WebhookOutbox } },
  actor: Actor,
  query: { status?: Delivery['status'] | undefined; limit?: number | undefined },
): Promise<{ deliveries: WireDelivery[] }> {
  assertMayManageWebhooks(actor);
  const rows = await store.webhooks.list(
    query.status ?? 'failed',
    query.limit ?? LIMITS.logPageDefault,
  );
  return { deliveries: rows.map(toWire) };
}

export async function retryDelivery(
  { store }: { store: { webhooks: WebhookOutbox } },
  actor: Actor,
  id: string,
): Promise<{ delivery: WireDelivery }> {
  assertMayManageWebhooks(actor);
  const retried = await store.webhooks.retry(id, new Date().toISOString(), {
    actor: auditActor(actor),
    action: 'webhook.retried',
    chatId: null,
    details: { deliveryId: id },
  });
  if (!retried) throw new NotFound(`No failed webhook delivery has id ${id}`, 'DELIVERY_NOT_FOUND');
  return { delivery: toWire(retried) };
}

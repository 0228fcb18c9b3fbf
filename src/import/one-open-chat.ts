/**
 * Our schema allows one chat per user that is not closed (a partial unique index); v2 did
 * not. The rule chosen: of a user's open chats, the newest (createdAt, then _id) stays open
 * and the others are imported closed — their history is kept and nothing is lost, which
 * rejecting them would do. A chat already in the database is never changed, so when the user
 * already has an open chat there, every imported open chat of theirs is imported closed.
 */
import type { Position } from './report.js';

export interface OpenChat {
  id: string;
  createdAt: string;
  /** Where it is in the export; null for a chat already in the database. */
  position: Position | null;
}

export type ImportedOpenChat = OpenChat & { position: Position };

export type OpenChatDecision =
  | { close: 'none' }
  | { close: 'this'; keptOpen: OpenChat }
  | { close: 'earlier'; earlier: ImportedOpenChat };

const isNewer = (a: OpenChat, b: OpenChat): boolean =>
  a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);

export class OneOpenChatPerUser {
  /** `openByUser`: userId → that user's open chat already stored. */
  constructor(private readonly openByUser: Map<string, OpenChat>) {}

  admit(userId: string, chat: ImportedOpenChat): OpenChatDecision {
    const current = this.openByUser.get(userId);
    if (current === undefined) {
      this.openByUser.set(userId, chat);
      return { close: 'none' };
    }
    if (current.position === null || !isNewer(chat, current)) {
      return { close: 'this', keptOpen: current };
    }
    this.openByUser.set(userId, chat);
    return { close: 'earlier', earlier: { ...current, position: current.position } };
  }
}

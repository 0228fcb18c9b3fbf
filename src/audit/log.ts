/**
 * What the audit log needs from a store: its reading side. Entries are written only inside
 * the transactions of the changes they record (the store's state-changing methods).
 */
import type { AuditEntry } from './chain.js';

export interface AuditFilter {
  chatId?: string | undefined;
  actorId?: string | undefined;
  action?: AuditEntry['action'] | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Entries strictly older than this (at, id): the previous page's last. */
  before?: { at: string; id: string } | undefined;
  limit: number;
}

/** The store's reading side of the log (writes happen only with the changes they record). */
export interface AuditLog {
  list(filter: AuditFilter): Promise<{ entries: AuditEntry[]; hasMore: boolean }>;
  chainEntries(chain: string, afterSeq: number, limit: number): Promise<AuditEntry[]>;
  /** The chain's last entry (highest chainSeq) as stored; undefined: the chain has none. */
  chainHead(chain: string): Promise<AuditEntry | undefined>;
  chainEnds(afterChain: string, limit: number): Promise<ChainEnd[]>;
  /** Chains that have entries, `limit` at a time after `afterChain` (by name). */
  chainsWithEntries(afterChain: string, limit: number): Promise<string[]>;
  key(): Promise<string>;
}

export interface ChainEnd {
  chain: string;
  seq: number;
  hash: string;
}

/**
 * An entry's hash, however a store finishes it (in JS, or in PostgreSQL's statement from
 * the parts around its chain position): sha256 of the previous hash and the entry's
 * canonical JSON with people sealed, as every entry already written was hashed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AuditEntry,
  canonicalJson,
  entryHash,
  entryHashParts,
  GENESIS_HASH,
  hashOfParts,
  pseudonym,
} from '../../src/audit/chain.js';

const KEY = 'k'.repeat(64);

/** The hash written out in full, as the chain's definition states it. */
function hashAsDefined(entry: Omit<AuditEntry, 'hash'>): string {
  const sealed = {
    id: entry.id,
    at: entry.at,
    chain: entry.chain,
    chainSeq: entry.chainSeq,
    action: entry.action,
    chatId: entry.chatId,
    actor: {
      id: pseudonym(KEY, entry.actor.id),
      role: entry.actor.role,
      name: pseudonym(KEY, entry.actor.name),
    },
    details: Object.fromEntries(
      Object.entries(entry.details).map(([k, v]) => [
        k,
        (k === 'userId' || k === 'userName') && typeof v === 'string' ? pseudonym(KEY, v) : v,
      ]),
    ),
  };
  return createHash('sha256')
    .update(`${entry.prevHash}\n${canonicalJson(sealed)}`)
    .digest('hex');
}

const entries: Omit<AuditEntry, 'hash'>[] = [
  {
    id: '0123456789abcdef01234567',
    at: '2026-12-05T17:00:00.000Z',
    chain: 'chat:0123456789abcdef01234567',
    chainSeq: 1,
    prevHash: GENESIS_HASH,
    action: 'chat.opened',
    chatId: '0123456789abcdef01234567',
    actor: { id: 'u-1', role: 'user', name: 'Уля "Q" \\ 💬' },
    details: { userId: 'u-1', userName: 'Уля', chainSeq: 7, note: '"chainSeq":1,' },
  },
  {
    id: 'fedcba9876543210fedcba98',
    at: '2026-12-05T17:00:01.000Z',
    chain: 'desk',
    chainSeq: 123456,
    prevHash: 'a'.repeat(64),
    action: 'agent.availability',
    chatId: null,
    actor: { id: 'a-1', role: 'admin', name: 'Ann' },
    details: {},
  },
];

describe('audit entry hashes', () => {
  it.each(entries)('are the hash as defined, whole or from the parts ($chain)', (entry) => {
    const defined = hashAsDefined(entry);
    expect(entryHash(KEY, entry)).toBe(defined);
    expect(hashOfParts(entry.prevHash, entryHashParts(KEY, entry), entry.chainSeq)).toBe(defined);
  });

  it('depend on the chain position the parts are finished with', () => {
    const [entry] = entries;
    if (!entry) throw new Error('an entry');
    const parts = entryHashParts(KEY, entry);
    expect(hashOfParts(entry.prevHash, parts, 2)).not.toBe(hashOfParts(entry.prevHash, parts, 1));
  });
});

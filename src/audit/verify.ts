/**
 * Walks every chain of the audit log from its first entry and reports the first break:
 * an entry changed after it was written, one removed or inserted, or a chain's last
 * entries removed (each chain's recorded end says how far it was written). Given a
 * checkpoint from an earlier run, each chain must also still pass through the entry the
 * checkpoint recorded for it.
 */

import { CHAIN_START, type ChainBreak, type ChainPosition, checkNext } from './chain.js';
import type { Checkpoint } from './checkpoint.js';
import type { AuditLog, ChainEnd } from './log.js';

const PAGE = 500;

export type VerifyResult =
  | { ok: true; chains: number; entries: number; heads: ReadonlyMap<string, ChainPosition> }
  | { ok: false; broken: ChainBreak; chains: number; entries: number };

export interface VerifyOptions {
  checkpoint?: Checkpoint | undefined;
}

interface Walked {
  broken?: ChainBreak;
  position: ChainPosition;
  entries: number;
}

async function walkChain(
  log: AuditLog,
  key: string,
  chain: string,
  recorded: ChainPosition | undefined,
): Promise<Walked> {
  let position = CHAIN_START;
  let entries = 0;
  for (;;) {
    const page = await log.chainEntries(chain, position.seq, PAGE);
    for (const entry of page) {
      const next = checkNext(key, position, entry);
      if ('kind' in next) return { broken: next, position, entries };
      position = next;
      entries++;
      if (recorded?.seq === position.seq && recorded.hash !== position.hash) {
        const broken: ChainBreak = {
          kind: 'checkpoint',
          chain,
          seq: position.seq,
          found: 'changed',
        };
        return { broken, position, entries };
      }
    }
    if (page.length < PAGE) break;
  }
  if (recorded && position.seq < recorded.seq) {
    const broken: ChainBreak = { kind: 'checkpoint', chain, seq: recorded.seq, found: 'missing' };
    return { broken, position, entries };
  }
  return { position, entries };
}

async function* pages<T>(read: (after: string) => Promise<T[]>, nameOf: (t: T) => string) {
  let after = '';
  for (;;) {
    const page = await read(after);
    yield* page;
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return;
    after = nameOf(last);
  }
}

export async function verifyAudit(
  log: AuditLog,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const key = await log.key();
  const recorded = options.checkpoint?.heads ?? {};
  let chains = 0;
  let entries = 0;
  const heads = new Map<string, ChainPosition>();
  for await (const end of pages<ChainEnd>(
    (after) => log.chainEnds(after, PAGE),
    (e) => e.chain,
  )) {
    chains++;
    const walked = await walkChain(log, key, end.chain, recorded[end.chain]);
    entries += walked.entries;
    if (walked.broken) return { ok: false, broken: walked.broken, chains, entries };
    if (walked.position.seq !== end.seq || walked.position.hash !== end.hash) {
      const broken: ChainBreak = {
        kind: 'head',
        chain: end.chain,
        headSeq: end.seq,
        lastSeq: walked.position.seq,
      };
      return { ok: false, broken, chains, entries };
    }
    heads.set(end.chain, walked.position);
  }
  // A chain whose recorded end was removed: its entries are still checked link by link.
  for await (const chain of pages<string>(
    (after) => log.chainsWithEntries(after, PAGE),
    (c) => c,
  )) {
    if (heads.has(chain)) continue;
    chains++;
    const walked = await walkChain(log, key, chain, recorded[chain]);
    entries += walked.entries;
    if (walked.broken) return { ok: false, broken: walked.broken, chains, entries };
    const broken: ChainBreak = { kind: 'head', chain, headSeq: -1, lastSeq: walked.position.seq };
    return { ok: false, broken, chains, entries };
  }
  // A chain the checkpoint saw that is gone altogether, entries and end.
  for (const [chain, head] of Object.entries(recorded)) {
    if (heads.has(chain)) continue;
    const broken: ChainBreak = { kind: 'checkpoint', chain, seq: head.seq, found: 'missing' };
    return { ok: false, broken, chains, entries };
  }
  return { ok: true, chains, entries, heads };
}

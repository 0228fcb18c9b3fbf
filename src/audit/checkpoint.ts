/**
 * A checkpoint: every chain's end as `npm run audit:verify` last found it intact, kept
 * outside the database. The chains alone cannot show a chain cut short together with its
 * recorded end, nor one rewritten by someone holding the key (it is in the same database);
 * a later verification against a checkpoint can: each chain must still pass through the
 * entry the checkpoint names, with the same hash.
 */
import { z } from 'zod';
import type { ChainPosition } from './chain.js';

export const CHECKPOINT_FORMAT = 'fastorika-audit-checkpoint/1';

const Position = z.object({ seq: z.number().int().positive(), hash: z.string().length(64) });

const CheckpointFile = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  at: z.string(),
  heads: z.record(z.string(), Position),
});

export type Checkpoint = z.infer<typeof CheckpointFile>;

export function parseCheckpoint(text: string): Checkpoint {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('the checkpoint file is not JSON');
  }
  const parsed = CheckpointFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `the checkpoint file is not a ${CHECKPOINT_FORMAT} file (${issue?.path.join('.') || 'root'}: ${issue?.message})`,
    );
  }
  return parsed.data;
}

export function checkpointOf(heads: ReadonlyMap<string, ChainPosition>, at: Date): Checkpoint {
  const out: Checkpoint['heads'] = {};
  for (const [chain, head] of heads) out[chain] = { seq: head.seq, hash: head.hash };
  return { format: CHECKPOINT_FORMAT, at: at.toISOString(), heads: out };
}

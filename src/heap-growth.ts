/**
 * How far V8 lets the old generation grow past what a full collection left before it
 * starts marking again. V8 picks the factor itself from how fast it collects against how
 * fast the old generation fills; on this server that comes out at its minimum, 1.1, and the
 * limit it sets (the live heap plus ~24 MB) is below the room V8 wants free before it starts
 * marking (a new space's worth), so marking started again right after every full collection:
 * about one a second while files were uploaded, each a pause every send waited behind. A
 * fixed factor (TUNABLES.heapGrowingPercent) leaves that room. A `--heap-growing-percent`
 * given to node itself wins (0 is V8's own choice again, for comparing the two).
 */
import v8 from 'node:v8';
import { TUNABLES } from './tunables.js';

const FLAG = '--heap-growing-percent';

/** Sets the factor unless node was started with one; says whether it did. */
export function fixHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`))) return false;
  // Read by V8 each time it sets the limit after a full collection, so setting it while
  // running takes effect from the next one.
  v8.setFlagsFromString(`${FLAG}=${TUNABLES.heapGrowingPercent.value}`);
  return true;
}

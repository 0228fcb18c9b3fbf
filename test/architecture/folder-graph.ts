/**
 * The folders of src/ as a graph: a folder depends on another when one of its modules
 * imports one of the other's (type imports included). Each top-level file of src/ counts as
 * a folder of its own, so that shared leaves (errors.ts, config.ts) and the composition root
 * (server.ts) do not merge every folder into one.
 */
import { itemAt } from '../helpers/lists.js';

/** An edge list of modules, paths relative to the repository (`src/chats/rules.ts`). */
export interface ModuleImport {
  from: string;
  to: string;
}

export type FolderGraph = Map<string, Set<string>>;

/** `src/http/routes/chats.ts` → `http`; `src/errors.ts` → `errors.ts`; outside src/: undefined. */
export function folderOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'src' || parts.length < 2) return undefined;
  return parts[1];
}

export function folderGraph(imports: ModuleImport[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const { from, to } of imports) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === undefined || b === undefined) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    if (a !== b) graph.get(a)?.add(b);
  }
  return graph;
}

/**
 * The graph's cycles as its strongly connected components of more than one folder (Tarjan),
 * each sorted by name, with one path round it to show which imports close it.
 */
export function folderCycles(graph: FolderGraph): { folders: string[]; path: string[] }[] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w === undefined) break;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) components.push(component.sort());
  };

  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((folders) => ({ folders, path: pathRound(graph, folders) }));
}

/** A shortest way from the component's first folder back to itself, inside the component. */
function pathRound(graph: FolderGraph, folders: string[]): string[] {
  const inside = new Set(folders);
  const start = itemAt(folders, 0);
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let v = queue.shift(); v !== undefined; v = queue.shift()) {
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (
          let at: string | undefined = v;
          at !== undefined && at !== start;
          at = cameFrom.get(at)
        )
          path.unshift(at);
        return [start, ...path];
      }
      if (cameFrom.has(w)) continue;
      cameFrom.set(w, v);
      queue.push(w);
    }
  }
  return folders;
}

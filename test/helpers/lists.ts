/**
 * An element a test knows is there (an index within the list, a regex group that always
 * takes part): read with a check instead of a cast, so a wrong assumption fails loudly.
 */
export function itemAt<T>(list: ArrayLike<T | undefined>, index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`no item at ${index} (of ${list.length})`);
  return item;
}

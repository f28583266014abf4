/** Small collection helpers shared by the domain rules, the services and the jobs. */

/** Appends `value` to the list under `key`, creating it (no copy of the list per value). */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The rows grouped by a key, each group in the rows' order. */
export function groupBy<T, K = string>(rows: Iterable<T>, key: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) pushTo(map, key(row), row);
  return map;
}

/** Runs `work` on each item, at most `limit` at a time, in the items' order; resolves when all are done. */
export async function forEachConcurrently<T>(items: Iterable<T>, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  let next = 0;
  const worker = async () => {
    while (next < queue.length) await work(queue[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, queue.length)) }, worker));
}

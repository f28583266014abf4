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

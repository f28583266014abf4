/** Every figure a benchmark produces goes out on its own line: `bench: <name> <value> <unit>`. */
export function report(name: string, value: number, unit: string): void {
  const shown = Number.isInteger(value) ? String(value) : value.toPrecision(4);
  process.stdout.write(`bench: ${name} ${shown} ${unit}\n`);
}

export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const index = Math.min(sortedAscending.length - 1, Math.ceil((p / 100) * sortedAscending.length) - 1);
  return sortedAscending[Math.max(0, index)]!;
}

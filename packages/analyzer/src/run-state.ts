// What one analysis remembers while it runs, in one place.
//
// A few memos of answers per function name live for one analysis and are shared by
// stages that do not pass them along (the frame table and the frame-text memos are the
// run's Records', parse/frame-table.ts). Their
// keys are slices of the analysed text, so a worker that analyses one dump after
// another must empty them at the end of each analysis or keep every dump alive.
// Each such table is made here with perRun(); analyze() calls endRun() when done.
// JavaScript runs one analysis at a time per thread, so module-level tables are safe.

interface Clearable {
  clear(): void;
  readonly size: number;
}

const tables: { name: string; table: Clearable }[] = [];

/** Register `table` (a Map, Set or anything with clear()) as per-run state. */
export function perRun<T extends Clearable>(name: string, table: T): T {
  tables.push({ name, table });
  return table;
}

/** The end of an analysis: empty every per-run table. */
export function endRun(): void {
  for (const t of tables) t.table.clear();
}

/** How many entries each per-run table holds now (for tests). */
export function perRunSizes(): Record<string, number> {
  return Object.fromEntries(tables.map((t) => [t.name, t.table.size]));
}

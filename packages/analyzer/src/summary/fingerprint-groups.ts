// How well fingerprints group a labelled corpus: the three numbers of issue 18, over logs
// whose bug is known by a title (syzkaller's titles, which syzbot uses to tell bugs apart).
// Shared by the measuring script (bench/fingerprints.mjs) and the corpus test, so the two
// cannot count differently.

export interface LabelledFingerprint {
  name: string;
  /** The bug's name in the reference (syzkaller's title). */
  title: string;
  fingerprint: string;
}

export interface GroupingScore {
  logs: number;
  /** Logs whose fingerprint is shared only with logs of the same title. */
  pure: number;
  /** The largest number of distinct titles under one fingerprint. */
  maxTitles: number;
  /** That fingerprint's titles (for the report). */
  widest: string[];
  /** Titles seen in more than one log. */
  repeatedTitles: number;
  /** Of those, titles whose logs all have one fingerprint. */
  keptTogether: number;
  /** Titles whose logs are split across fingerprints, with the split. */
  split: { title: string; logs: { name: string; fingerprint: string }[] }[];
  /** Fingerprints with more than one title, with their logs. */
  mixed: { fingerprint: string; logs: { name: string; title: string }[] }[];
}

export function scoreGrouping(items: LabelledFingerprint[]): GroupingScore {
  const byFp = new Map<string, LabelledFingerprint[]>();
  const byTitle = new Map<string, LabelledFingerprint[]>();
  for (const it of items) {
    push(byFp, it.fingerprint, it);
    push(byTitle, it.title, it);
  }
  let pure = 0;
  for (const it of items) if (byFp.get(it.fingerprint)!.every((o) => o.title === it.title)) pure++;
  let maxTitles = 0;
  let widest: string[] = [];
  const mixed: GroupingScore['mixed'] = [];
  for (const [fp, logs] of byFp) {
    const titles = [...new Set(logs.map((l) => l.title))].sort();
    if (titles.length > maxTitles) {
      maxTitles = titles.length;
      widest = titles;
    }
    if (titles.length > 1) mixed.push({ fingerprint: fp, logs: logs.map((l) => ({ name: l.name, title: l.title })) });
  }
  let repeatedTitles = 0;
  let keptTogether = 0;
  const split: GroupingScore['split'] = [];
  for (const [title, logs] of byTitle) {
    if (logs.length < 2) continue;
    repeatedTitles++;
    if (new Set(logs.map((l) => l.fingerprint)).size === 1) keptTogether++;
    else split.push({ title, logs: logs.map((l) => ({ name: l.name, fingerprint: l.fingerprint })) });
  }
  return { logs: items.length, pure, maxTitles, widest, repeatedTitles, keptTogether, split, mixed };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

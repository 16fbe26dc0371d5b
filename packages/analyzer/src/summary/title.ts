// Placeholder until the syzkaller-style title engine lands (owned by the dmesg formats work).
import type { Kind } from '../contract.js';
import type { Records } from '../parse/records.js';
import type { Line } from '../text/lines.js';

export function computeTitle(_lines: Line[], _records: Records): { title: string; altTitles: string[]; kind: Kind } | null {
  return null;
}

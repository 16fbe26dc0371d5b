// Register lines of the common shape read by hand: `RAX: ffffffffffffffda  RBX: 0000…`.
// Crash prints three such lines per task with registers, x86 `__show_regs` several per
// NMI backtrace; the patterns that read any shape were a tenth of those analyses. Callers
// fall back to their pattern whenever this says no.

export interface RegisterLineShape {
  /** At most this many `NAME: value` pairs. */
  maxPairs: number;
  /** A `SSSS:` segment selector may precede a value (x86 `RSP: 0018:ffffc900…`). */
  segment: boolean;
  /** A tab may separate pairs (crash), not only spaces. */
  tabs: boolean;
}

/**
 * Read a line made only of `NAME: value` pairs — a capital and 1–7 capitals, digits or
 * `_`, a colon, 1–3 spaces, (with `segment`, an optional `SSSS:`), 4–16 lower-case hex
 * digits, then blanks or the end — into `into` (names lower-cased): true when the whole
 * line is of that shape, false with nothing written otherwise.
 */
export function readRegisterLineByHand(t: string, into: Record<string, string>, shape: RegisterLineShape): boolean {
  const n = t.length;
  const at = pairAt;
  const blank = shape.tabs ? isBlankOrTab : isSpace;
  let pairs = 0;
  let p = 0;
  while (p < n) {
    if (pairs === shape.maxPairs) return false;
    const ns = p;
    if (!isUpper(t.charCodeAt(p))) return false;
    p++;
    while (p < n && p - ns < 8 && isNameChar(t.charCodeAt(p))) p++;
    if (p - ns < 2 || p >= n || t.charCodeAt(p) !== 58 /* : */) return false;
    const ne = p++;
    const sp = p;
    while (p < n && p - sp < 3 && t.charCodeAt(p) === 32) p++;
    if (p === sp) return false;
    let vs = p;
    if (shape.segment && p + 4 < n && t.charCodeAt(p + 4) === 58 /* : */ && isHexRun(t, p, 4)) vs = p = p + 5;
    while (p < n && p - vs < 16 && isLowerHex(t.charCodeAt(p))) p++;
    if (p - vs < 4) return false;
    const ve = p;
    // White space (or the end) must follow the value: any other shape goes to the pattern.
    if (p < n && !blank(t.charCodeAt(p))) return false;
    while (p < n && blank(t.charCodeAt(p))) p++;
    at[pairs * 4] = ns;
    at[pairs * 4 + 1] = ne;
    at[pairs * 4 + 2] = vs;
    at[pairs * 4 + 3] = ve;
    pairs++;
  }
  if (pairs === 0) return false;
  for (let k = 0; k < pairs; k++)
    into[t.slice(at[k * 4], at[k * 4 + 1]).toLowerCase()] = t.slice(at[k * 4 + 2], at[k * 4 + 3]);
  return true;
}

/** [name start, name end, value start, value end] of each pair (up to 16 pairs): scratch
 *  of one call, filled before it is read, so nothing passes from one line to the next. */
const pairAt = new Int32Array(64);
const isUpper = (c: number) => c >= 65 && c <= 90;
const isNameChar = (c: number) => isUpper(c) || (c >= 48 && c <= 57) || c === 95;
const isLowerHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
const isSpace = (c: number) => c === 32;
const isBlankOrTab = (c: number) => c === 32 || c === 9;

function isHexRun(t: string, from: number, len: number): boolean {
  for (let i = from; i < from + len; i++) if (!isLowerHex(t.charCodeAt(i))) return false;
  return true;
}

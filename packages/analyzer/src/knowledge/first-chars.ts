// The knowledge tables' rules, narrowed by a function name's first character.
//
// Each table is a list of anchored name patterns tried in order (`^(?:__)?mutex_lock…$`),
// and the run asks each of them about every distinct function name it meets: a dump of
// distinct stacks has 30,000 names, and WAIT_RULES alone is 52 patterns. Most names can
// be turned away by their first character: `acme_fn_4585` can only match a pattern that
// can begin with `a`. The characters a pattern can begin with are read off its source
// once; a pattern whose source this does not follow (a character class, `.`, `\w`, a
// lookaround, a flag) is kept for every name, so the narrowed list always holds every
// rule that can match, in the table's order.

/** Character codes a match can begin with; null when any character may. */
type FirstSet = Set<number> | null;

interface Part {
  first: FirstSet;
  /** Can match the empty string (then what follows it can begin the match too). */
  nullable: boolean;
}

/** Thrown inside the reader when the source holds syntax it does not follow. */
class Unfollowed extends Error {}

/**
 * The first characters of every string `re` matches, for a pattern anchored with `^` in
 * each top-level alternative (`^(?:down|down_interruptible)$`, `^a$|^b$`); null when
 * the source is not read (any character may begin a match).
 */
export function firstChars(re: RegExp): FirstSet {
  if (re.flags !== '') return null;
  const src = re.source;
  let pos = 0;

  function union(a: FirstSet, b: FirstSet): FirstSet {
    if (a === null || b === null) return null;
    for (const c of b) a.add(c);
    return a;
  }

  /** Alternatives up to `)` or the end; `anchored`: each must begin with `^`. */
  function alternatives(anchored: boolean): Part {
    let first: FirstSet = new Set();
    let nullable = false;
    for (;;) {
      if (anchored) {
        if (src[pos] !== '^') throw new Unfollowed();
        pos++;
      }
      const s = sequence();
      first = union(first, s.first);
      nullable ||= s.nullable;
      if (src[pos] !== '|') return { first, nullable };
      pos++;
    }
  }

  function sequence(): Part {
    let first: FirstSet = new Set();
    let nullable = true;
    while (pos < src.length && src[pos] !== '|' && src[pos] !== ')') {
      const e = element();
      quantified(e);
      if (nullable) first = union(first, e.first);
      nullable &&= e.nullable;
    }
    return { first, nullable };
  }

  function element(): Part {
    const ch = src[pos++];
    switch (ch) {
      case '$':
        return { first: new Set(), nullable: true };
      case '(': {
        if (src[pos] === '?') {
          if (src[pos + 1] !== ':') throw new Unfollowed(); // lookaround, named group
          pos += 2;
        }
        const inner = alternatives(false);
        if (src[pos++] !== ')') throw new Unfollowed();
        return inner;
      }
      case '[': {
        // Skipped over, not read: any character may begin it.
        if (src[pos] === '^') pos++;
        while (pos < src.length && src[pos] !== ']') pos += src[pos] === '\\' ? 2 : 1;
        if (src[pos++] !== ']') throw new Unfollowed();
        return { first: null, nullable: false };
      }
      case '\\': {
        const e = src[pos++];
        if (e === undefined) throw new Unfollowed();
        if (e === 'd') return { first: new Set([48, 49, 50, 51, 52, 53, 54, 55, 56, 57]), nullable: false };
        if (/[A-Za-z0-9]/.test(e)) return { first: null, nullable: false }; // \w, \b, \1, \u…
        return { first: new Set([e.charCodeAt(0)]), nullable: false };
      }
      case '.':
        return { first: null, nullable: false };
      case '^':
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ']':
      case undefined:
        throw new Unfollowed();
      default:
        return { first: new Set([ch.charCodeAt(0)]), nullable: false };
    }
  }

  /** Reads a quantifier after an element: `?`, `*` and `{0,…}` make it optional. */
  function quantified(e: Part): void {
    const q = src[pos];
    if (q === '?' || q === '*') {
      e.nullable = true;
      pos++;
    } else if (q === '+') pos++;
    else if (q === '{') {
      const m = /^\{(\d+)(?:,\d*)?\}/.exec(src.slice(pos, pos + 24));
      if (!m) throw new Unfollowed();
      if (Number(m[1]) === 0) e.nullable = true;
      pos += m[0].length;
    } else return;
    if (src[pos] === '?') pos++; // lazy
  }

  try {
    const all = alternatives(true);
    if (pos !== src.length || all.nullable) return null;
    return all.first;
  } catch (err) {
    if (err instanceof Unfollowed) return null;
    throw err;
  }
}

/** Index of the list for names beginning with a character outside ASCII, or empty. */
const OTHER = 128;

/** A table's rules by the first character of the names they can match. */
export class RulesByFirstChar<T> {
  private readonly lists: (readonly T[])[] = [];

  /** @param patternOf the name pattern of a rule: a RegExp, or a name matched exactly. */
  constructor(rules: readonly T[], patternOf: (rule: T) => RegExp | string) {
    const sets = rules.map((r): FirstSet => {
      const p = patternOf(r);
      if (typeof p !== 'string') return firstChars(p);
      return p.length > 0 ? new Set([p.charCodeAt(0)]) : null;
    });
    for (let c = 0; c <= OTHER; c++)
      this.lists.push(
        Object.freeze(
          rules.filter((_, k) => {
            const s = sets[k];
            if (s === null) return true;
            if (c < OTHER) return s.has(c);
            for (const x of s) if (x >= OTHER) return true;
            return false;
          }),
        ),
      );
  }

  /** The rules that can match `name`, in the table's order. */
  for(name: string): readonly T[] {
    const c = name.charCodeAt(0); // NaN for an empty name: OTHER
    return this.lists[c < OTHER ? c : OTHER];
  }
}

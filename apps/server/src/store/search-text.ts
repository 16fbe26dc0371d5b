// Full-text search on PostgreSQL with SQLite's FTS5 semantics (migrations/postgres/0009).
//
// FTS5's unicode61 tokenizer (SQLite's default settings, which migrations/0001 uses):
// a token is a run of letters, digits or private-use characters (Unicode categories
// L*, N*, Co, and unassigned ones); everything else separates tokens, combining marks
// included (so Devanagari or Arabic with vowel signs splits where SQLite splits it) but
// for the Latin diacritics it drops (a\u0301b is `ab`); case is folded character by
// character, and a Latin letter with diacritics becomes its base letter (remove_diacritics
// 1: é → e, Å → a, but not ø, ł or Greek ά). The store indexes the same tokens on
// PostgreSQL, computed here, so that PostgreSQL's own parser (which keeps `a-b` and paths
// together, or drops long words) never decides what a word is. search-text.test.ts
// compares the two on SQLite's own tokenizer.
//
// A search (search-query.ts) is a list of quoted words, each optionally a prefix: a row
// matches when every word's tokens stand, in order and adjacent, in one of its fields,
// the last token being a prefix for `"word"*`.

const ASCII = /^[\x00-\x7f]*$/;
const ASCII_TOKEN = /[a-z0-9]+/g;
// Unassigned code points too: unicode61 counts what its (Unicode 6.1) tables do not know
// as token characters.
const TOKEN_CHAR = /^[\p{L}\p{N}\p{Co}\p{Cn}]$/u;
/** The combining diacritics unicode61 takes out of a token (it neither keeps nor splits at them). */
const DROPPED_DIACRITIC = /^[\u0300-\u0304\u0306-\u030c\u030f\u0311\u031b\u0323-\u0328\u032d\u032e\u0330\u0331]$/;
const LATIN_WITH_MARKS = /^([a-z])[\u0300-\u036f]$/;

/** Lower-case letters that Unicode case folding (which unicode61 applies) maps further. */
const CASE_FOLD: Record<string, string> = {
  '\u017f': 's', // ſ
  '\u1e9b': 's', // ẛ (ſ with a dot: the dot goes as a diacritic)
  '\u03c2': 'σ', // final sigma
  '\u03d0': 'β',
  '\u03d1': 'θ',
  '\u03d5': 'φ',
  '\u03d6': 'π',
  '\u03f0': 'κ',
  '\u03f1': 'ρ',
  '\u03f5': 'ε',
  '\u1fbe': 'ι',
  '\u00b5': 'μ', // micro sign
};

/** One character folded as unicode61 folds it: case folded, Latin diacritics removed. */
function foldChar(ch: string): string {
  // Cherokee capitals: JavaScript lowers them (to U+AB70…), unicode61 leaves them.
  if (ch >= '\u13a0' && ch <= '\u13f5') return ch;
  const lower = ch.toLowerCase();
  const folded = CASE_FOLD[lower];
  if (folded !== undefined) return folded;
  // İ lowers to i + U+0307: the same rule takes the mark off.
  const base = LATIN_WITH_MARKS.exec(lower.normalize('NFD'));
  return base ? base[1] : lower;
}

/** The unicode61 tokens of `text`, folded. */
export function searchTokens(text: string): string[] {
  if (!text) return [];
  if (ASCII.test(text)) return text.toLowerCase().match(ASCII_TOKEN) ?? [];
  const tokens: string[] = [];
  let cur = '';
  for (const ch of text) {
    if (DROPPED_DIACRITIC.test(ch)) continue;
    if (TOKEN_CHAR.test(ch)) cur += foldChar(ch);
    else if (cur) {
      tokens.push(cur);
      cur = '';
    }
  }
  if (cur) tokens.push(cur);
  return tokens;
}

/** A field as the PostgreSQL store keeps it: its tokens joined by single spaces. */
export function searchField(text: string | null | undefined): string {
  return searchTokens(text ?? '').join(' ');
}

/**
 * PostgreSQL refuses a lexeme of 2 KB or more and a tsvector of 1 MB or more. A token
 * past either bound is left out of `tokens` (it stays in the field text): a search for
 * it does not find the row — a limit only machine-made text reaches.
 */
const MAX_LEXEME_BYTES = 2046;
const MAX_TSVECTOR_BYTES = 1_000_000;

/** The distinct tokens of a row's fields, for its `tokens` tsvector (array_to_tsvector). */
export function distinctTokens(fields: string[]): string[] {
  const out = new Set<string>();
  let bytes = 0;
  for (const field of fields) {
    if (!field) continue;
    for (const token of field.split(' ')) {
      if (out.has(token)) continue;
      const size = Buffer.byteLength(token);
      if (size > MAX_LEXEME_BYTES || bytes + size + 8 > MAX_TSVECTOR_BYTES) continue;
      out.add(token);
      bytes += size + 8;
    }
  }
  return [...out];
}

export interface SearchTerm {
  tokens: string[];
  prefix: boolean;
}

/** The terms of a safe FTS5 MATCH expression (the output of toFtsQuery): `"word"` or
 *  `"word"*`, separated by spaces. */
export function parseFtsQuery(match: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  for (const m of match.matchAll(/"([^"]*)"(\*?)/g)) {
    const tokens = searchTokens(m[1]);
    // A phrase of no tokens matches nothing in FTS5: the whole AND then matches nothing.
    terms.push({ tokens, prefix: m[2] === '*' });
  }
  return terms;
}

/** A tsquery lexeme, quoted (tokens hold only letters and digits, but quote anyway). */
function lexeme(token: string): string {
  return `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The tsquery that selects candidate rows through the GIN index: every token of every
 * term (the last of a prefix term as a prefix). Exact for one-token terms; for phrases
 * the caller checks adjacency in one field (phrasePatterns). null: nothing can match.
 */
export function candidateQuery(terms: SearchTerm[]): string | null {
  if (terms.length === 0 || terms.some((t) => t.tokens.length === 0)) return null;
  const parts: string[] = [];
  for (const t of terms) {
    t.tokens.forEach((tok, i) => parts.push(`${lexeme(tok)}${t.prefix && i === t.tokens.length - 1 ? ':*' : ''}`));
  }
  return parts.join(' & ');
}

/**
 * For each term of several tokens, what one of the row's fields must contain when the
 * field is written ` field ` (spaces around): ` a b ` for the phrase "a b", ` a b` for
 * "a b"* (the last token may go on).
 */
export function phrasePatterns(terms: SearchTerm[]): string[] {
  return terms.filter((t) => t.tokens.length > 1).map((t) => ` ${t.tokens.join(' ')}${t.prefix ? '' : ' '}`);
}

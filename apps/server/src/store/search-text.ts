// Full-text search on PostgreSQL with SQLite's FTS5 semantics (migrations/postgres/0009).
//
// FTS5's unicode61 tokenizer (SQLite's default settings, which migrations/0001 uses):
// a token is a run of letters, digits or private-use characters (Unicode categories
// L*, N*, Co); everything else separates tokens; case is folded and diacritics removed
// (remove_diacritics 1). The store indexes the same tokens on PostgreSQL, computed here,
// so that PostgreSQL's own parser (which keeps `a-b` and paths together, or drops long
// words) never decides what a word is.
//
// A search (search-query.ts) is a list of quoted words, each optionally a prefix: a row
// matches when every word's tokens stand, in order and adjacent, in one of its fields,
// the last token being a prefix for `"word"*`.

const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;
const MARK = /\p{Mn}/gu;

/** The unicode61 tokens of `text`, folded: lower case, combining marks removed. */
export function searchTokens(text: string): string[] {
  if (!text) return [];
  return text.toLowerCase().normalize('NFD').replace(MARK, '').normalize('NFC').match(TOKEN) ?? [];
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

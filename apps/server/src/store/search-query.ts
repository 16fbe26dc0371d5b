/**
 * Turn what a user typed into a safe FTS5 MATCH expression. Every word becomes a
 * quoted phrase (so `"`, `AND`, `NEAR(`, `-`, `:` are just text and can never make a
 * syntax error); words are ANDed. A trailing `*` keeps its meaning: prefix search.
 * Returns null when nothing searchable is left.
 */
export function toFtsQuery(input: string): string | null {
  const terms: string[] = [];
  for (const raw of input.split(/\s+/)) {
    const prefix = raw.endsWith('*');
    // Quotes would end the phrase early; the tokenizer drops them anyway. So are control
    // characters: FTS5 ends a query string at NUL ("unterminated string", a 500).
    const word = raw.replace(/["*\u0000-\u001f\u007f]/g, '');
    // Punctuation-only words tokenize to nothing; an empty phrase matches nothing.
    if (!/[\p{L}\p{N}]/u.test(word)) continue;
    terms.push(`"${word}"${prefix ? '*' : ''}`);
    if (terms.length === 16) break;
  }
  return terms.length === 0 ? null : terms.join(' ');
}

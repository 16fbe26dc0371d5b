// The PostgreSQL store's tokens must be SQLite FTS5's (unicode61) for the same text, or a
// search would find other incidents on the two engines. SQLite's own tokenizer is the
// reference here, through an in-memory FTS5 table and its vocabulary.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { candidateQuery, parseFtsQuery, phrasePatterns, searchTokens } from './search-text.js';

function fts5Tokens(db: Database.Database, text: string): string[] {
  db.prepare('DELETE FROM t').run();
  db.prepare('INSERT INTO t (x) VALUES (?)').run(text);
  return (db.prepare('SELECT term FROM v ORDER BY offset').all() as { term: string }[]).map((r) => r.term);
}

function withFts5<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(':memory:');
  try {
    db.exec(
      "CREATE VIRTUAL TABLE t USING fts5 (x, tokenize = 'unicode61'); CREATE VIRTUAL TABLE v USING fts5vocab (t, 'instance');",
    );
    return fn(db);
  } finally {
    db.close();
  }
}

describe('searchTokens', () => {
  it("splits and folds text as SQLite's unicode61 tokenizer does", () => {
    const samples = [
      'INFO: task kworker/1:2:4790 blocked for more than 120 seconds.',
      'flush_workqueue+0x12c/0x5b0 [bsnmod] x86_64 3.10.0-957.el7',
      'café cafe\u0301 naïve ÆØÅ æøå Ł ł đ Đ Straße ẞ',
      'İstanbul ı I Σίσυφος ΣΑΣ',
      'Ελληνικά ά ώ',
      'हिन्दी भाषा',
      'عَرَبِيّ',
      '日本語テキスト 가나다',
      'emoji😀x a\u200db tab\u00a0nbsp ﬁle Ǆ ǅ Ⅻ ①② \uE000private',
      'Ǘ ǘ ḿ ỹ ř ș ț й ё',
      'ſ ϐ ϑ ϕ ϖ ϰ ϱ ϵ ς ẛ \u1fbe µ Ꭰ ꭰ',
      '',
      '   --- ::: ',
    ];
    withFts5((db) => {
      for (const s of samples) expect(searchTokens(s), s).toEqual(fts5Tokens(db, s));
    });
  });

  it('agrees with SQLite on every character of the Latin, Greek, Cyrillic, Devanagari and Arabic blocks', () => {
    // Inside a word and alone: token character, separator, dropped diacritic or folded.
    // (Characters Unicode assigned after 6.1, the version of SQLite's tables, may differ:
    // 2.4% of the code points up to U+2FFFF when this was written, none of them here.)
    const ranges: [number, number][] = [
      [0x80, 0x37e],
      [0x384, 0x4ff],
      [0x600, 0x604],
      [0x606, 0x61b],
      [0x61e, 0x6ff],
      [0x900, 0x97f],
    ];
    const differ: string[] = [];
    withFts5((db) => {
      for (const [from, to] of ranges) {
        for (let cp = from; cp <= to; cp++) {
          const ch = String.fromCodePoint(cp);
          const text = `a${ch}b ${ch}`;
          if (JSON.stringify(searchTokens(text)) !== JSON.stringify(fts5Tokens(db, text))) differ.push(cp.toString(16));
        }
      }
    });
    expect(differ).toEqual([]);
  });

  it("gives SQLite's tokens for every fixture dump and example", () => {
    const root = join(import.meta.dirname, '../../../..');
    const dirs = [
      join(root, 'packages/analyzer/fixtures/seeds'),
      join(root, 'packages/analyzer/fixtures/corpus'),
      join(root, 'examples'),
    ];
    let checked = 0;
    withFts5((db) => {
      for (const dir of dirs) {
        for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt'))) {
          const text = readFileSync(join(dir, f), 'utf8');
          expect(searchTokens(text), f).toEqual(fts5Tokens(db, text));
          checked++;
        }
      }
    });
    expect(checked).toBeGreaterThan(20);
  });
});

describe('the search expression on PostgreSQL', () => {
  it('one GIN query for every token, and a phrase check for words of several tokens', () => {
    const terms = parseFtsQuery('"flush_workqueue" "rmmod" "bsn"*');
    expect(terms).toEqual([
      { tokens: ['flush', 'workqueue'], prefix: false },
      { tokens: ['rmmod'], prefix: false },
      { tokens: ['bsn'], prefix: true },
    ]);
    expect(candidateQuery(terms)).toBe("'flush' & 'workqueue' & 'rmmod' & 'bsn':*");
    expect(phrasePatterns(terms)).toEqual([' flush workqueue ']);
    expect(phrasePatterns(parseFtsQuery('"flush_work"*'))).toEqual([' flush work']);
    // A word that folds to no token matches nothing, as an empty FTS5 phrase.
    expect(candidateQuery(parseFtsQuery('"\u0301"'))).toBeNull();
  });
});

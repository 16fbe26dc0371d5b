// A capture taken from an HTML mail or the source of a web page: the archive shows the
// message's HTML as it was sent (`&lt;IRQ&gt;`, `[&lt;ffffffff8001235a&gt;]`, `&gt; ` for
// each quote level, `<br>` at the end of each line, `<span class="quotelev1">`). Every
// pattern of the analyzer expects the text the kernel printed, so such a text read as
// nothing, or as prose. The markup is undone here, line by line: no line end is added or
// removed, so line numbers (the evidence) stay those of the upload.

/** What shows a text is HTML: an escaped `<`, `>` or `&`, or a `<br>`. */
const HTML_MARK = /&(?:lt|gt|amp);|<br\s{0,2}\/?>/i;

/** The tags mail clients and archives wrap text lines in. Only these are removed: a
 *  kernel line holds `<IRQ>`, `<TASK>`, `<4>` and `<65>`, which are none of them. */
const TAG = /<\/?(?:br|span|div|p|pre|font|tt|code|b|i|blockquote)(?:\s[^<>\n]{0,200})?\s{0,2}\/?>/gi;

/** A line-break tag, the one tag that stood for a space when it sat between two words. */
const BREAK_TAG = /^<br/i;

const ENTITY = /&(?:lt|gt|amp|quot|apos|nbsp|#\d{1,6}|#x[0-9a-f]{1,6});/gi;

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntity(entity: string): string {
  const name = entity.slice(1, -1).toLowerCase();
  if (name.charCodeAt(0) !== 35 /* # */) return NAMED[name];
  const code = name.charCodeAt(1) === 120 /* x */ ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  // A code point that is not a character (or a line end, which would renumber lines) stays as written.
  if (!(code >= 32 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) return entity;
  return code === 0xa0 ? ' ' : String.fromCodePoint(code);
}

/** The text with HTML markup undone (the same string when it has none, as most dumps):
 *  the tags above removed (a space where one sat between two words), the entities decoded.
 *  `&amp;` is decoded once, so `&amp;lt;` reads `&lt;`, as a browser shows it. */
export function undoHtml(text: string): string {
  if (!HTML_MARK.test(text)) return text;
  return text
    .replace(TAG, (tag, at: number, s: string) => {
      const before = s.charCodeAt(at - 1);
      const after = s.charCodeAt(at + tag.length);
      // A tag between two words (`…0000400<br>[144482.968743] PKRU`) stood for a break.
      return before > 32 && after > 32 && BREAK_TAG.test(tag) ? ' ' : '';
    })
    .replace(ENTITY, decodeEntity);
}

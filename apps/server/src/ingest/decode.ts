/** The outcome of checking that uploaded bytes are a text dump. */
export type DecodeResult =
  { ok: true; text: string } | { ok: false; statusCode: 400 | 415; error: string; message: string };

// Control characters a terminal capture legitimately contains: tab, newline, vertical
// tab, form feed, carriage return, backspace, ESC (colour codes from `dmesg --color`).
const ODD_CONTROL = /[\u0001-\u0007\u000e-\u001a\u001c-\u001f\u007f]/g;

function countOccurrences(haystack: Buffer, needle: Buffer): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

/**
 * Decide whether the bytes are text and decode them for the analyzer. The stored
 * copy stays the original bytes; this only decides what we accept and what the
 * analyzer reads.
 *
 * - Zero bytes, or only whitespace: 400, nothing to analyse.
 * - A NUL byte: 415. Kernel logs never contain one; core files, vmcores, archives
 *   and UTF-16 text do (UTF-16 and gzip get their own message).
 * - Invalid UTF-8: a Latin-1 name or a line cut mid-character in a copy-paste is
 *   repairable (the analyzer sees U+FFFD there), so a few are fine. More than 8 and
 *   more than 1% of the bytes, counted together with odd control characters, means
 *   it is not text: 415.
 */
export function decodeDump(bytes: Buffer): DecodeResult {
  if (bytes.length === 0) return { ok: false, statusCode: 400, error: 'empty_dump', message: 'the dump is empty' };
  const unsupported = (message: string): DecodeResult => ({ ok: false, statusCode: 415, error: 'not_text', message });
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return unsupported('the dump is UTF-16 text; convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)');
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    return unsupported('the dump is gzip-compressed; decompress it or send it with Content-Encoding: gzip');
  }
  if (bytes.indexOf(0) !== -1) {
    return unsupported(
      'the dump contains NUL bytes: it looks like a binary file (a vmcore or core file?), not a text log',
    );
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const replacements = (text.match(/\uFFFD/g)?.length ?? 0) - countOccurrences(bytes, Buffer.from([0xef, 0xbf, 0xbd]));
  const controls = text.match(ODD_CONTROL)?.length ?? 0;
  const suspicious = replacements + controls;
  if (suspicious > 8 && suspicious > bytes.length / 100) {
    return unsupported(
      `the dump is not UTF-8 text (${suspicious} invalid sequences or control characters in ${bytes.length} bytes)`,
    );
  }
  if (text.trim().length === 0) {
    return { ok: false, statusCode: 400, error: 'empty_dump', message: 'the dump contains only whitespace' };
  }
  return { ok: true, text };
}

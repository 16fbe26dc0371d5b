// Text copied from a web page or a chat carries spaces that are not ASCII: no-break spaces
// (U+00A0) where the page had `&nbsp;` or a run of spaces, typographic spaces, the
// ideographic space of CJK text, and zero-width characters. Every pattern of the analyzer
// expects ASCII spaces, so a dump pasted from a blog read as nothing. Lines are kept: no
// line end is added or removed, so line numbers (the evidence) stay those of the upload.

// No-break, figure, thin … spaces, the narrow no-break and medium math spaces, the
// ideographic space: each becomes one ASCII space.
const WIDE_SPACES = /[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g;
// Zero-width space, joiners, word joiner, byte order mark: removed.
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
const ANY = /[\u00a0\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff]/;

// Terminal colour and cursor sequences (CSI: ESC [ params intermediates final), kept by
// `dmesg --color=always > file`, `script` typescripts and `tmux capture-pane -e`: every
// pattern saw `ESC[32m[  1.2]ESC[0m INFO: …` as no kernel line at all. Bounded, so the
// pattern runs in linear time; no line end is inside one.
const ANSI_CSI = /\u001b\[[0-9;:?<=>]{0,32}[ -/]{0,4}[@-~]/g;

// A tab the kernel printed, as /dev/kmsg hands it out (Documentation/ABI/testing/dev-kmsg:
// non-printable characters are escaped `\x00`-style) and as tools copying its records keep
// it: the four characters `\x09`. The RCU stall report indents its CPU lines with tabs, so
// `rcu: \x092-...0: (1 GPs behind) idle=75d/0/0x1 …` named no CPU at all.
const KMSG_TAB = /\\x09/g;

/** The text with its non-ASCII spaces made ASCII ones, zero-width characters and terminal
 *  colour sequences removed, kmsg-escaped tabs made tabs (the same string when it has none,
 *  as most dumps). */
export function normalizeSpaces(text: string): string {
  if (text.indexOf('\u001b[') >= 0) text = text.replace(ANSI_CSI, '');
  if (text.indexOf('\\x09') >= 0) text = text.replace(KMSG_TAB, '\t');
  if (!ANY.test(text)) return text;
  return text.replace(WIDE_SPACES, ' ').replace(ZERO_WIDTH, '');
}

// The dump as uploaded, virtualised (only visible lines are in the DOM, so a 50 MB dump
// works), with the selected node's evidence highlighted and a search box. Line numbers
// are 1-based to match the analyzer's evidence spans.
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent, type MouseEvent } from 'react';
import type { Span } from '@hangscope/analyzer';
import { useRawText } from '../api/hooks';
import { QueryError } from '../components/QueryError';
import { CopyButton } from '../components/CopyButton';
import { inRanges, mergeSpans, type LineRange } from './urlState';
import { findMatches, splitLines, visibleWindow } from './visibleWindow';

const LINE_H = 18;
/** Characters of a line drawn before "show whole line": a 5 MB line drawn whole rendered blank. */
export const LINE_CUT = 2000;
const VIEW_H = 440;
/** Above this the raw text is fetched only when asked for (or when a node needs it). */
const AUTO_LOAD_BYTES = 8 * 1024 * 1024;

interface Props {
  id: string;
  size: number;
  highlight: Span[];
  focus: LineRange | null;
  onSelectLines: (r: LineRange) => void;
  /** A permalink's lines: the page scrolls to them once, when the dump is shown. */
  land?: boolean;
  /** The permalink of the selected lines. */
  link?: string | null;
  /** Lines notes are pinned to. */
  notedLines?: LineRange[];
}

const NO_RANGES: LineRange[] = [];

export function RawTextPanel({
  id,
  size,
  highlight,
  focus,
  onSelectLines,
  land = false,
  link = null,
  notedLines = NO_RANGES,
}: Props) {
  const [requested, setRequested] = useState(false);
  const enabled = requested || size <= AUTO_LOAD_BYTES || highlight.length > 0 || focus !== null;
  const raw = useRawText(id, enabled);
  return (
    <section className="raw-panel" aria-labelledby="raw-h">
      <h2 id="raw-h">Raw dump</h2>
      {!enabled && (
        <button type="button" onClick={() => setRequested(true)}>
          Load the raw dump
        </button>
      )}
      {enabled && raw.isPending && <p className="muted">Loading the dump…</p>}
      {raw.isError && <QueryError error={raw.error} retry={() => void raw.refetch()} what="raw dump" />}
      {raw.data !== undefined && (
        <RawLines
          text={raw.data}
          highlight={highlight}
          focus={focus}
          onSelectLines={onSelectLines}
          land={land}
          link={link}
          notedLines={notedLines}
        />
      )}
    </section>
  );
}

function RawLines({
  text,
  highlight,
  focus,
  onSelectLines,
  land,
  link,
  notedLines,
}: {
  text: string;
  highlight: Span[];
  focus: LineRange | null;
  onSelectLines: (r: LineRange) => void;
  land: boolean;
  link: string | null;
  notedLines: LineRange[];
}) {
  const lines = useMemo(() => splitLines(text), [text]);
  const ranges = useMemo(() => mergeSpans(highlight), [highlight]);
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [anchor, setAnchor] = useState<number | null>(null);
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<number[]>([]);
  const [current, setCurrent] = useState(0);
  // Lines shown whole on request (by 0-based index).
  const [whole, setWhole] = useState<Set<number>>(() => new Set());
  // The keyboard's line (1-based): arrows move it, Enter selects it, Shift+Enter extends.
  const [cursor, setCursor] = useState<number | null>(null);
  const matchSet = useMemo(() => new Set(matches), [matches]);

  const scrollToLine = (line1: number) => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = Math.max(0, (line1 - 1) * LINE_H - VIEW_H / 3);
    setScrollTop(el.scrollTop);
  };

  // Open on the linked range, else on the selected node's first evidence line.
  const target = focus?.from ?? ranges[0]?.from ?? null;
  useEffect(() => {
    if (target !== null) scrollToLine(target);
  }, [target, lines]);

  // A permalink to lines: bring the dump into view and focus it, once.
  const landed = useRef(false);
  useEffect(() => {
    if (landed.current || !land || !focus) return;
    landed.current = true;
    scroller.current?.scrollIntoView({ block: 'center' });
    scroller.current?.focus({ preventScroll: true });
  }, [land, focus]);
  const noted = useMemo(() => mergeSpans(notedLines.map((r) => ({ line: r.from, endLine: r.to }))), [notedLines]);

  const search = (e: FormEvent) => {
    e.preventDefault();
    const m = findMatches(lines, query);
    setMatches(m);
    setCurrent(0);
    if (m.length) scrollToLine(m[0] + 1);
  };
  const step = (d: number) => {
    if (!matches.length) return;
    const next = (current + d + matches.length) % matches.length;
    setCurrent(next);
    scrollToLine(matches[next] + 1);
  };

  const onKeys = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return;
    const page = Math.max(1, Math.floor(VIEW_H / LINE_H) - 1);
    const at = cursor ?? focus?.from ?? Math.floor(scrollTop / LINE_H) + 1;
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
      End: Infinity,
    };
    if (e.key in moves) {
      // The first key puts the cursor on the linked or first visible line; later ones move it.
      const next = cursor === null ? at : Math.min(lines.length, Math.max(1, at + moves[e.key]));
      setCursor(next);
      const el = scroller.current;
      if (el) {
        const top = (next - 1) * LINE_H;
        if (top < el.scrollTop) el.scrollTop = top;
        else if (top + LINE_H > el.scrollTop + VIEW_H) el.scrollTop = top + LINE_H - VIEW_H;
        setScrollTop(el.scrollTop);
      }
      e.preventDefault();
    } else if (e.key === 'Enter' || e.key === ' ') {
      if (e.shiftKey && anchor !== null) onSelectLines({ from: Math.min(anchor, at), to: Math.max(anchor, at) });
      else {
        setAnchor(at);
        onSelectLines({ from: at, to: at });
      }
      e.preventDefault();
    }
  };

  const onGutter = (e: MouseEvent, line1: number) => {
    if (e.shiftKey && anchor !== null) {
      onSelectLines({ from: Math.min(anchor, line1), to: Math.max(anchor, line1) });
    } else {
      setAnchor(line1);
      onSelectLines({ from: line1, to: line1 });
    }
  };

  const { first, last } = visibleWindow(scrollTop, VIEW_H, LINE_H, lines.length);
  const rows = [];
  for (let i = first; i <= last; i++) {
    const n = i + 1;
    const cls = [
      'raw-line',
      inRanges(n, ranges) ? 'hl' : '',
      focus && n >= focus.from && n <= focus.to ? 'focus' : '',
      matchSet.has(i) ? 'match' : '',
      matches[current] === i ? 'current' : '',
      inRanges(n, noted) ? 'noted' : '',
      cursor === n ? 'cursor' : '',
    ]
      .filter(Boolean)
      .join(' ');
    rows.push(
      <div key={i} className={cls} data-line={n} style={{ top: i * LINE_H, height: LINE_H }}>
        {/* Not a Tab stop each: the dump is one (arrow keys move inside it). */}
        <button
          type="button"
          className="gutter"
          tabIndex={-1}
          onClick={(e) => onGutter(e, n)}
          aria-label={`select line ${n}`}
        >
          {n}
        </button>
        {lines[i].length > LINE_CUT && !whole.has(i) ? (
          <span className="raw-text">
            {lines[i].slice(0, LINE_CUT)}
            <button
              type="button"
              className="linklike show-whole"
              tabIndex={-1}
              onClick={() => setWhole((w) => new Set(w).add(i))}
            >
              … show whole line ({lines[i].length.toLocaleString('en-US')} characters)
            </button>
          </span>
        ) : (
          <span className="raw-text">{lines[i]}</span>
        )}
      </div>,
    );
  }

  return (
    <>
      <form className="raw-search" role="search" onSubmit={search}>
        <input
          type="search"
          aria-label="search the dump"
          placeholder="search the dump"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="submit">Find</button>
        <button type="button" onClick={() => step(-1)} disabled={!matches.length} aria-label="previous match">
          ↑
        </button>
        <button type="button" onClick={() => step(1)} disabled={!matches.length} aria-label="next match">
          ↓
        </button>
        <span className="muted" role="status">
          {matches.length
            ? `${current + 1} / ${matches.length}${matches.length >= 10_000 ? '+' : ''}`
            : query
              ? ''
              : ''}{' '}
          {lines.length} lines
          {ranges.length > 0 &&
            ` · evidence: ${ranges.map((r) => (r.from === r.to ? r.from : `${r.from}–${r.to}`)).join(', ')}`}
        </span>
        {link && focus && (
          <CopyButton
            text={link}
            label={`Copy link to ${focus.from === focus.to ? `line ${focus.from}` : `lines ${focus.from}–${focus.to}`}`}
          />
        )}
      </form>
      <div
        ref={scroller}
        className="raw-scroller"
        style={{ height: VIEW_H }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        tabIndex={0}
        onKeyDown={onKeys}
        aria-label="raw dump lines: arrow keys move, Enter selects a line, Shift+Enter a range"
      >
        <div className="raw-inner" style={{ height: lines.length * LINE_H }}>
          {rows}
        </div>
      </div>
    </>
  );
}

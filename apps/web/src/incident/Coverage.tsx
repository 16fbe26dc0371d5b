// What the analyzer read, skipped as prose, or could not parse: a reader should know
// when the verdict rests on part of the dump only.
import type { CoverageSegment } from '@hangscope/analyzer';
import type { LineRange } from './urlState';

export function Coverage({
  segments,
  counts,
  totalSegments = segments.length,
  onShowLines,
}: {
  segments: CoverageSegment[];
  /** Captures of each status in the whole analysis, when `segments` may be only the notable ones. */
  counts?: Record<CoverageSegment['status'], number>;
  /** Segments in the whole analysis. */
  totalSegments?: number;
  onShowLines: (r: LineRange) => void;
}) {
  // A parsed segment may stand for several captures of one format read back to back.
  const count = (status: CoverageSegment['status']) =>
    counts?.[status] ??
    segments.reduce((n, x) => n + (x.status !== status ? 0 : status === 'parsed' ? (x.count ?? 1) : 1), 0);
  if (totalSegments === 0) return null;
  const unparsed = count('unparsed');
  const unlisted = totalSegments - segments.length;
  return (
    <details className={`coverage${unparsed ? ' has-unparsed' : ''}`}>
      <summary>
        Read {count('parsed')} capture{count('parsed') === 1 ? '' : 's'}
        {unparsed > 0 && <span className="error">, could not parse {unparsed}</span>}
        {count('prose') > 0 && `, skipped ${count('prose')} prose`}
      </summary>
      <ul>
        {segments.map((s, i) => (
          <li key={i} className={`coverage-${s.status}`}>
            <button
              type="button"
              className="linklike line-ref"
              onClick={() => onShowLines({ from: s.line, to: s.endLine })}
            >
              lines {s.line}–{s.endLine}
            </button>{' '}
            {s.status} · {s.format}
            {s.count && s.count > 1 ? ` × ${s.count}` : ''}
            {s.note && <span className="muted"> — {s.note}</span>}
          </li>
        ))}
      </ul>
      {unlisted > 0 && (
        <p className="muted">
          Not listed here: {unlisted} more segments (the analysis JSON under Export has them all).
        </p>
      )}
    </details>
  );
}

// What the analyzer read, skipped as prose, or could not parse: a reader should know
// when the verdict rests on part of the dump only.
import type { CoverageSegment } from '@hangscope/analyzer';
import type { LineRange } from './urlState';

export function Coverage({
  segments,
  onShowLines,
}: {
  segments: CoverageSegment[];
  onShowLines: (r: LineRange) => void;
}) {
  if (segments.length === 0) return null;
  const count = (s: CoverageSegment['status']) => segments.filter((x) => x.status === s).length;
  const unparsed = count('unparsed');
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
            <button type="button" className="linklike line-ref" onClick={() => onShowLines({ from: s.line, to: s.endLine })}>
              lines {s.line}–{s.endLine}
            </button>{' '}
            {s.status} · {s.format}
            {s.note && <span className="muted"> — {s.note}</span>}
          </li>
        ))}
      </ul>
    </details>
  );
}

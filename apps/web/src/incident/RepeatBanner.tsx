// At the top of an incident that repeats a known bug: how often it was seen before, when
// last, and what the team did about it — with a link to the group. Nothing for a first
// sighting, or when the server has no groups.
import { Link } from 'react-router';
import { useRepeat } from '../api/hooks';
import type { RepeatInfo } from '../api/types';
import { formatDate } from '../util/format';

/** "Seen 2 times before, last on … — mitigated: <note>"; null for a first sighting. */
export function repeatText(
  r: RepeatInfo,
  date: (iso: string | null | undefined) => string = formatDate,
): string | null {
  if (r.before === 0) return null;
  const times = `${r.before} time${r.before === 1 ? '' : 's'}`;
  const state = r.mitigation
    ? ` — ${r.status === 'resolved' ? 'resolved' : 'mitigated'}: ${r.mitigation.body}`
    : r.status !== 'open'
      ? ` — ${r.status}`
      : '';
  return `Seen ${times} before, last on ${date(r.last?.createdAt)}${state}`;
}

export function RepeatBanner({ id }: { id: string }) {
  const repeat = useRepeat(id);
  const text = repeat.data ? repeatText(repeat.data) : null;
  if (!repeat.data || !text) return null;
  return (
    <p className="notice repeat-banner" role="status">
      {text} <Link to={repeat.data.groupUrl}>Open the group</Link>
    </p>
  );
}

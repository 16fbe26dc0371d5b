import { describe, expect, it } from 'vitest';
import type { IncidentSummary, RepeatInfo } from '../api/types';
import { repeatText } from './RepeatBanner';

const last: IncidentSummary = {
  id: 'a',
  url: '/i/a',
  title: 'INFO: task hung in flush_workqueue',
  kind: 'hung_task',
  host: 'db-1',
  kernel: null,
  status: 'mitigated',
  createdAt: '2026-03-01T10:00:00.000Z',
  fingerprint: 'f',
  size: 1,
  tags: [],
};
const base: RepeatInfo = { group: 'f', groupUrl: '/groups/f', before: 2, last, status: 'open', mitigation: null };
const date = (iso: string | null | undefined) => `<${iso}>`;

describe('repeatText', () => {
  it('says nothing for a first sighting', () => {
    expect(repeatText({ ...base, before: 0, last: null }, date)).toBeNull();
  });
  it('counts the sightings before and names the last', () => {
    expect(repeatText(base, date)).toBe('Seen 2 times before, last on <2026-03-01T10:00:00.000Z>');
    expect(repeatText({ ...base, before: 1 }, date)).toBe('Seen 1 time before, last on <2026-03-01T10:00:00.000Z>');
  });
  it('quotes the mitigation, or says the status without one', () => {
    const mitigation = {
      incidentId: 'a',
      incidentUrl: '/i/a',
      body: 'unload bsnmod first',
      author: null,
      updatedAt: '2026-03-01T11:00:00.000Z',
    };
    expect(repeatText({ ...base, status: 'mitigated', mitigation }, date)).toBe(
      'Seen 2 times before, last on <2026-03-01T10:00:00.000Z> — mitigated: unload bsnmod first',
    );
    expect(repeatText({ ...base, status: 'resolved' }, date)).toBe(
      'Seen 2 times before, last on <2026-03-01T10:00:00.000Z> — resolved',
    );
  });
});

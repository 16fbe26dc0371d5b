// Redacted copies of an incident, for sharing outside the team: the dump through the
// redaction pass (redact/redact.ts), analysed again, with the incident's own fields and
// notes through the same pass, so a pseudonym means the same thing everywhere in it.
import { createHash, randomBytes } from 'node:crypto';
import type { AnalysisRunner } from '../analysis/pool.js';
import { notFound } from '../errors.js';
import { Redactor } from '../redact/redact.js';
import type { StoredDocument } from '../store/document.js';
import type { Annotation, IncidentDetail, IncidentStore, MitigationRevision } from '../store/types.js';
import { readRawBytes } from './raw.js';

const SECRET_KEY = 'redact_secret';

/**
 * The secret the KASLR offsets derive from: made once per database, never shown. The
 * same incident then always gets the same offsets (share links are stable), and the
 * offsets cannot be worked back from the incident's content alone.
 */
export async function redactionSecret(store: IncidentStore): Promise<string> {
  const known = await store.getMeta(SECRET_KEY);
  if (known) return known;
  await store.setMeta(SECRET_KEY, randomBytes(32).toString('hex'));
  // Read back: of two first uses at once, the last write wins for both.
  return (await store.getMeta(SECRET_KEY))!;
}

/** What a redacted export or share link shows. */
export interface RedactedIncident {
  text: string;
  /** The analysis of the redacted text, compressed as the store keeps analyses. */
  document: StoredDocument;
  incident: Omit<IncidentDetail, 'analysisJson'>;
  annotations: Annotation[];
  mitigation: MitigationRevision | null;
}

/**
 * The incident redacted: `kaslr` moves kernel addresses too; `shownId` replaces its id
 * (a share link does not give away the incident's own permalink).
 */
export async function redactIncident(
  store: IncidentStore,
  analysis: AnalysisRunner,
  incident: IncidentDetail,
  opts: { kaslr: boolean; shownId?: string },
): Promise<RedactedIncident> {
  const bytes = await readRawBytes(store, incident.id);
  if (!bytes) throw notFound();
  const original = bytes.toString('utf8');
  const secret = await redactionSecret(store);
  const redactor = new Redactor(original, {
    kaslr: opts.kaslr,
    secret: `${secret}:${incident.sha256}`,
    hosts: [incident.host],
  });
  const text = redactor.redact(original);
  const redactedBytes = Buffer.from(text, 'utf8');
  // Analysed in the analysis workers; its document stays compressed (the exports build
  // from it in the derive workers): nothing of it is parsed on the event loop.
  const record = await analysis.analyze(redactedBytes);
  const r = (s: string) => redactor.redact(s);
  const rn = (s: string | null) => (s === null ? null : redactor.redact(s));
  const annotations = (await store.listAnnotations(incident.id)).map((a) => ({
    ...a,
    body: r(a.body),
    author: rn(a.author),
    incidentId: opts.shownId ?? a.incidentId,
  }));
  const latest = (await store.mitigationHistory(incident.id))[0] ?? null;
  // Field by field: the stored detail's analysisJson is a lazy getter that would
  // inflate the original analysis if spread.
  const fields: RedactedIncident['incident'] = {
    id: opts.shownId ?? incident.id,
    title: r(incident.userTitle ?? record.title),
    kind: record.kind,
    host: rn(incident.host),
    kernel: record.kernel,
    status: incident.status,
    duplicateOf: opts.shownId ? null : incident.duplicateOf,
    createdAt: incident.createdAt,
    updatedAt: incident.updatedAt,
    fingerprint: record.fingerprint,
    size: redactedBytes.length,
    tags: incident.tags.map(r),
    sha256: createHash('sha256').update(redactedBytes).digest('hex'),
    lineCount: incident.lineCount,
    userTitle: rn(incident.userTitle),
    analyzerVersion: record.analyzerVersion,
    pinned: incident.pinned,
  };
  return {
    text,
    document: record.document,
    incident: fields,
    annotations,
    mitigation: latest ? { ...latest, body: r(latest.body), author: rn(latest.author) } : null,
  };
}

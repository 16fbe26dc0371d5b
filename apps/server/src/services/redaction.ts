// Redacted copies of an incident, for sharing outside the team: the dump through the
// redaction pass (redact/redact.ts), analysed again, with the incident's own fields and
// notes through the same pass, so a pseudonym means the same thing everywhere in it.
import { randomBytes } from 'node:crypto';
import type { AnalysisRunner } from '../analysis/pool.js';
import type { DeriveRunner } from '../derive/pool.js';
import { notFound } from '../errors.js';
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
  /** The redacted dump, UTF-8. */
  text: Buffer;
  /** The analysis of the redacted text, compressed as the store keeps analyses. */
  document: StoredDocument;
  incident: Omit<IncidentDetail, 'analysisJson'>;
  annotations: Annotation[];
  mitigation: MitigationRevision | null;
}

/**
 * The incident redacted: `kaslr` moves kernel addresses too; `shownId` replaces its id
 * (a share link does not give away the incident's own permalink). The redaction pass
 * runs in a derive worker and the analysis in an analysis worker: nothing of the dump is
 * decoded or parsed on the event loop.
 */
export async function redactIncident(
  store: IncidentStore,
  workers: { analysis: AnalysisRunner; derive: DeriveRunner },
  incident: IncidentDetail,
  opts: { kaslr: boolean; shownId?: string },
): Promise<RedactedIncident> {
  const bytes = await readRawBytes(store, incident.id);
  if (!bytes) throw notFound();
  const secret = await redactionSecret(store);
  const notes = await store.listAnnotations(incident.id);
  const latest = (await store.mitigationHistory(incident.id))[0] ?? null;
  // The incident's own text goes through the dump's redactor, after the dump, so a name
  // gets the pseudonym it has there.
  const strings = [
    ...notes.flatMap((a) => [a.body, a.author]),
    incident.host,
    ...incident.tags,
    incident.userTitle,
    latest?.body ?? null,
    latest?.author ?? null,
  ];
  // The dump's bytes go to the worker (not used here after).
  const redacted = await workers.derive.run({
    kind: 'redact',
    raw: bytes,
    options: { kaslr: opts.kaslr, secret: `${secret}:${incident.sha256}`, hosts: [incident.host] },
    strings,
  });
  const text = redacted.text as Buffer;
  const out = [...redacted.strings];
  const next = () => out.shift() ?? null;
  const annotations = notes.map((a) => ({
    ...a,
    body: next() ?? '',
    author: next(),
    incidentId: opts.shownId ?? a.incidentId,
  }));
  const host = next();
  const tags = incident.tags.map(() => next() ?? '');
  const userTitle = next();
  const mitigation = latest ? { ...latest, body: next() ?? '', author: next() } : null;
  const record = await workers.analysis.analyze(text);
  // Field by field: the stored detail's analysisJson is a lazy getter that would
  // inflate the original analysis if spread. Without a title of its own, the incident is
  // titled by the analysis of the redacted text, which is redacted already.
  const fields: RedactedIncident['incident'] = {
    id: opts.shownId ?? incident.id,
    title: userTitle ?? record.title,
    kind: record.kind,
    host,
    kernel: record.kernel,
    status: incident.status,
    duplicateOf: opts.shownId ? null : incident.duplicateOf,
    createdAt: incident.createdAt,
    updatedAt: incident.updatedAt,
    fingerprint: record.fingerprint,
    size: text.length,
    tags,
    sha256: redacted.sha256,
    lineCount: incident.lineCount,
    userTitle,
    analyzerVersion: record.analyzerVersion,
    pinned: incident.pinned,
  };
  return { text, document: record.document, incident: fields, annotations, mitigation };
}

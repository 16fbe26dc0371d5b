import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { IncidentStore } from '../store/types.js';
import type { IngestService } from './ingest.js';

const LOADED = 'examples_loaded';

/**
 * Import every *.txt of the examples folder, once: on the first start of an empty
 * database (a meta flag records that it ran, so deleting the examples later does not
 * bring them back). Each is stored like an upload tagged `example`, with no title of
 * its own: the analysis title names it, unless the analyzer recognised nothing, in
 * which case the file name (without .txt) is more useful.
 */
export async function loadExamplesOnce(
  store: IncidentStore,
  ingest: IngestService,
  dir: string,
  log: FastifyBaseLogger,
): Promise<number> {
  if ((await store.getMeta(LOADED)) !== null || (await store.count()) > 0) return 0;
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.txt')).sort();
  } catch {
    log.info({ dir }, 'no examples folder: nothing to load');
    await store.setMeta(LOADED, new Date().toISOString());
    return 0;
  }
  let loaded = 0;
  for (const file of files) {
    try {
      const bytes = await readFile(join(dir, file));
      const { id, duplicate } = await ingest.ingest({ bytes, title: null, host: null, tags: ['example'] });
      if (duplicate) continue;
      const incident = await store.get(id);
      if (incident?.kind === 'unknown') await store.update(id, { userTitle: file.slice(0, -'.txt'.length) });
      loaded++;
    } catch (err) {
      log.warn({ err, file }, 'example not loaded');
    }
  }
  await store.setMeta(LOADED, new Date().toISOString());
  log.info({ dir, loaded }, 'examples loaded');
  return loaded;
}

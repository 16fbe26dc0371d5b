import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { IncidentStore } from '../store/types.js';

const gunzipAsync = promisify(gunzip);

/** The original uploaded bytes, exactly. */
export async function readRawBytes(store: IncidentStore, id: string): Promise<Buffer | null> {
  const raw = await store.getRaw(id);
  if (!raw) return null;
  return raw.encoding === 'gzip' ? gunzipAsync(raw.data) : raw.data;
}

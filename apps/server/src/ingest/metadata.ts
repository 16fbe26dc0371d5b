import { badRequest } from '../errors.js';

export const LIMITS = {
  title: 200,
  host: 255,
  tag: 64,
  tags: 20,
} as const;

const TAG = /^[\p{L}\p{N}][\p{L}\p{N}._:/+-]*$/u;

/** Trimmed text, or null when empty; 400 when longer than `max` characters. */
export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  // Control characters have no place in a one-line field (and could forge log lines).
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  if (clean.length === 0) return null;
  if (clean.length > max) throw badRequest(`${field} is longer than ${max} characters`);
  return clean;
}

/** Tags from a comma-separated string or a list: trimmed, de-duplicated, validated. */
export function parseTags(value: string | string[] | null | undefined): string[] {
  if (value === undefined || value === null) return [];
  const list = (Array.isArray(value) ? value : value.split(',')).map((t) => t.trim()).filter((t) => t.length > 0);
  const tags = [...new Set(list)];
  if (tags.length > LIMITS.tags) throw badRequest(`at most ${LIMITS.tags} tags`);
  for (const tag of tags) {
    if (tag.length > LIMITS.tag || !TAG.test(tag)) {
      throw badRequest(
        `invalid tag ${JSON.stringify(tag.slice(0, LIMITS.tag))}: letters, digits and . _ : / + - only, at most ${LIMITS.tag} characters`,
      );
    }
  }
  return tags;
}

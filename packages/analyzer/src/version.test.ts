// One version number: every package of the workspace carries the analyzer's version,
// which is the version the analysis documents name (analyzerVersion). Bumping
// ANALYZER_VERSION (an analysis may change) means bumping the packages with it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { ANALYZER_VERSION } from './version.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const PACKAGES = [
  'package.json',
  'packages/analyzer/package.json',
  'apps/server/package.json',
  'apps/web/package.json',
  'e2e/package.json',
];

describe('version', () => {
  it.each(PACKAGES)('%s has the analyzer version', (file) => {
    const pkg = JSON.parse(readFileSync(join(root, file), 'utf8')) as { version: string };
    expect(pkg.version).toBe(ANALYZER_VERSION);
  });

  it('is the version every document names', () => {
    expect(analyze('nothing to see').analyzerVersion).toBe(ANALYZER_VERSION);
  });
});

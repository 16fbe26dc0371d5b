import { fileURLToPath } from 'node:url';

// This file sits at apps/server/{src,dist}/paths.{ts,js}: the same depth in source and
// build, so one relative URL finds the repository root from either.
const repoRoot = new URL('../../../', import.meta.url);

/** Repository-root folder of numbered SQL migrations (env HANGSCOPE_MIGRATIONS overrides). */
export function defaultMigrationsDir(): string {
  return process.env.HANGSCOPE_MIGRATIONS ?? fileURLToPath(new URL('migrations/', repoRoot));
}

/** Repository-root folder of bundled example dumps (env HANGSCOPE_EXAMPLES overrides). */
export function defaultExamplesDir(): string {
  return process.env.HANGSCOPE_EXAMPLES ?? fileURLToPath(new URL('examples/', repoRoot));
}

/** The built web app (apps/web/dist). */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('apps/web/dist/', repoRoot));
}

/** The collector script served at GET /collect.sh (scripts/hangscope-collect). */
export function defaultCollectorPath(): string {
  return process.env.HANGSCOPE_COLLECTOR ?? fileURLToPath(new URL('scripts/hangscope-collect', repoRoot));
}

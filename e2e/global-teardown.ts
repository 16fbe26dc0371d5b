// Removes the run's temporary database folder (created in playwright.config.ts).
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

export default function globalTeardown(): void {
  const dir = process.env.HANGSCOPE_E2E_DATA;
  // Only ever delete what this config made: a hangscope-e2e-* folder in the temp dir.
  if (dir && dir.startsWith(tmpdir()) && /hangscope-e2e-[^/]*$/.test(dir))
    rmSync(dir, { recursive: true, force: true });
}

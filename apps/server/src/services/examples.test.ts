import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CRLF_UTF8_DUMP, HUNG_TASK_DUMP, startApp, tempDir, type TestApp } from '../__tests__/helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('bundled examples', () => {
  it('are imported on the first start only, tagged example', async () => {
    const dir = tempDir();
    const examples = join(dir, 'examples');
    mkdirSync(examples);
    writeFileSync(join(examples, 'rmmod-flush-workqueue.txt'), HUNG_TASK_DUMP);
    writeFileSync(join(examples, 'qxl.txt'), CRLF_UTF8_DUMP);
    writeFileSync(join(examples, 'notes-about-prose.txt'), 'just some notes\nwithout any capture\n');
    writeFileSync(join(examples, 'README.md'), 'not an example');

    t = await startApp({ examplesDir: examples }, dir);
    const list = async () =>
      (await t!.app.inject({ method: 'GET', url: '/api/incidents' })).json().items as {
        title: string;
        tags: string[];
        kind: string;
      }[];
    const first = await list();
    expect(first).toHaveLength(3);
    expect(first.every((i) => i.tags.includes('example'))).toBe(true);
    // unrecognised dumps are named after their file; recognised ones by the analysis
    expect(first.find((i) => i.kind === 'unknown')?.title).toBe('notes-about-prose');

    await t.app.close();
    writeFileSync(join(examples, 'later.txt'), `${HUNG_TASK_DUMP}# later\n`);
    t = await startApp({ examplesDir: examples }, dir);
    expect(await list()).toHaveLength(3);
  });

  it('a missing examples folder is not an error', async () => {
    const dir = tempDir();
    t = await startApp({ examplesDir: join(dir, 'does-not-exist') }, dir);
    expect((await t.app.inject({ method: 'GET', url: '/api/incidents' })).json().items).toEqual([]);
  });
});

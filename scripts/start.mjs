#!/usr/bin/env node
// `npm start` / `pnpm start`: install what is missing, build, then serve the API and
// the web app (migrations and example incidents are applied by the server at start).
// Honours PORT (8080), HOST (127.0.0.1) and HANGSCOPE_DB (./data/hangscope.db).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build, ensureInstalled, env, log, root } from './lib.mjs';

ensureInstalled();
build();
const port = process.env.PORT ?? '8080';
const host = process.env.HOST ?? '127.0.0.1';
log(`serving on http://${host}:${port}`);
const child = spawn(process.execPath, [join(root, 'apps', 'server', 'dist', 'server.js')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...env(), PORT: port, HOST: host },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

// Maintenance commands against the server's database, safe while the server runs
// (WAL + busy_timeout): node apps/server/dist/cli.js <command>
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createAnalysisRunner } from './analysis/pool.js';
import { HttpError } from './errors.js';
import { parseTags } from './ingest/metadata.js';
import { defaultMigrationsDir } from './paths.js';
import { IngestService } from './services/ingest.js';
import { reanalyzeStored } from './services/reanalyze.js';
import { createToken } from './routes/session.js';
import { migrateStore } from './store/migrate-store.js';
import { isPostgresUrl, openStore } from './store/open.js';
import { ROLES, type IncidentStore, type Role } from './store/types.js';

const USAGE = `usage: hangscope-server <command>
  reanalyze [--all]        analyse again incidents from another analyzer version (--all: every incident)
  backup DEST              write a consistent copy of the database to DEST while the server runs
  import DIR [--tag TAG]   store every *.txt / *.log file of DIR as an incident
  token create --role ROLE [--name NAME]
                           make an API token (role read, write, ingest or admin); the
                           token is printed once, as the last line
  token list               the tokens (never their secrets)
  token revoke ID|NAME     revoke a token; its web sessions end with it
  migrate-store --from sqlite:PATH --to postgres://…
                           copy every incident (bytes as stored, checked by hash), token and
                           note of a SQLite file into PostgreSQL; run it again to catch up
environment: HANGSCOPE_DB (default ./data/hangscope.db), HANGSCOPE_DATABASE_URL (postgres://…: PostgreSQL
  instead; backup then runs pg_dump), HANGSCOPE_MIGRATIONS`;

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleLog = (io: Io) => ({
  info: (obj: object, msg?: string) => io.err(`${msg ?? ''} ${JSON.stringify(obj)}`.trim()),
  warn: (obj: object, msg?: string) =>
    io.err(
      `warning: ${msg ?? ''} ${JSON.stringify(obj, (k, v) => (k === 'err' && v instanceof Error ? v.message : v))}`.trim(),
    ),
});

const COMMANDS: Record<string, { needsPath: boolean; options: ParseArgsConfig['options'] }> = {
  reanalyze: { needsPath: false, options: { all: { type: 'boolean' } } },
  backup: { needsPath: true, options: {} },
  import: { needsPath: true, options: { tag: { type: 'string' } } },
  token: { needsPath: false, options: { role: { type: 'string' }, name: { type: 'string' } } },
  'migrate-store': { needsPath: false, options: { from: { type: 'string' }, to: { type: 'string' } } },
};

const TOKEN_ARGS: Record<string, number> = { create: 1, list: 1, revoke: 2 };

/** Run one command; returns the exit code (0 done, 1 failed, 2 usage). */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: Io = { out: console.log, err: console.error },
): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === '--help' || command === '-h') {
    io.err(USAGE);
    return command ? 0 : 2;
  }
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!spec) {
    io.err(`unknown command ${command}\n${USAGE}`);
    return 2;
  }
  // Strict: a mistyped option is an error, not a silent no-op.
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: spec.options,
      allowPositionals: true,
      strict: true,
    }) as { values: Record<string, string | boolean | undefined>; positionals: string[] });
  } catch (err) {
    io.err(`${command}: ${(err as Error).message.split('\n')[0]}\n${USAGE}`);
    return 2;
  }
  if (spec.needsPath && positionals.length === 0) {
    io.err(`${command} needs a path\n${USAGE}`);
    return 2;
  }
  const maxArgs = command === 'token' ? (TOKEN_ARGS[positionals[0]] ?? 1) : spec.needsPath ? 1 : 0;
  if (command === 'token' && (!Object.hasOwn(TOKEN_ARGS, positionals[0]) || positionals.length < maxArgs)) {
    io.err(`token needs create, list or revoke ID|NAME\n${USAGE}`);
    return 2;
  }
  if (command === 'token' && positionals[0] === 'create' && !ROLES.includes(values.role as Role)) {
    io.err(`token create needs --role ${ROLES.join('|')}\n${USAGE}`);
    return 2;
  }
  if (positionals.length > maxArgs) {
    io.err(`${command}: unexpected argument '${positionals[spec.needsPath ? 1 : 0]}'\n${USAGE}`);
    return 2;
  }
  const migrationsDir = env.HANGSCOPE_MIGRATIONS || defaultMigrationsDir();
  if (command === 'migrate-store') {
    const from =
      typeof values.from === 'string' && values.from.startsWith('sqlite:') ? values.from.slice('sqlite:'.length) : null;
    const to = typeof values.to === 'string' && isPostgresUrl(values.to) ? values.to : null;
    if (!from || !to) {
      io.err(`migrate-store needs --from sqlite:PATH --to postgres://…\n${USAGE}`);
      return 2;
    }
    if (!existsSync(resolve(from))) {
      io.err(`migrate-store: no SQLite file at ${resolve(from)}`);
      return 1;
    }
    try {
      let last = 0;
      const result = await migrateStore(resolve(from), to, migrationsDir, (done, total) => {
        if (done === total || Date.now() - last > 5000) {
          last = Date.now();
          io.err(`migrate-store: ${done}/${total} incidents`);
        }
      });
      io.out(JSON.stringify(result));
      return 0;
    } catch (err) {
      io.err(`migrate-store failed: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    }
  }
  const dbPath = resolve(env.HANGSCOPE_DB || './data/hangscope.db');
  const store = await openStore({ dbPath, databaseUrl: env.HANGSCOPE_DATABASE_URL || undefined, migrationsDir });
  if (command === 'token') {
    try {
      return await tokenCommand(store, positionals, values, io);
    } catch (err) {
      io.err(`token ${positionals[0]} failed: ${err instanceof Error ? err.message : String(err)}`);
      return 1;
    } finally {
      await store.close();
    }
  }
  const analysis = createAnalysisRunner({ size: 1, timeoutMs: 10 * 60_000 });
  try {
    if (command === 'reanalyze') {
      const result = await reanalyzeStored(store, analysis, consoleLog(io), { all: values.all === true });
      io.out(JSON.stringify(result));
      return result.failed > 0 ? 1 : 0;
    }
    if (command === 'backup') {
      const dest = resolve(positionals[0]);
      await store.backup(dest);
      io.out(JSON.stringify({ backup: dest }));
      return 0;
    }
    const dir = resolve(positionals[0]);
    const tags = typeof values.tag === 'string' ? parseTags(values.tag) : [];
    const ingest = new IngestService(store, analysis);
    const files = (await readdir(dir)).filter((f) => /\.(txt|log)$/.test(f)).sort();
    const summary = { created: 0, duplicate: 0, rejected: 0 };
    for (const file of files) {
      try {
        const { id, duplicate } = await ingest.ingest({
          bytes: await readFile(join(dir, file)),
          title: null,
          host: null,
          tags,
        });
        summary[duplicate ? 'duplicate' : 'created']++;
        io.out(JSON.stringify({ file, id, duplicate }));
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        summary.rejected++;
        io.err(`${file}: ${err.message}`);
      }
    }
    io.out(JSON.stringify(summary));
    return 0;
  } catch (err) {
    io.err(`${command} failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await analysis.close();
    await store.close();
  }
}

async function tokenCommand(
  store: IncidentStore,
  args: string[],
  values: Record<string, string | boolean | undefined>,
  io: Io,
): Promise<number> {
  const [sub, target] = args;
  if (sub === 'create') {
    const { token, secret } = await createToken(
      store,
      values.role as Role,
      typeof values.name === 'string' ? values.name : undefined,
    );
    io.out(`token ${token.id} "${token.name}" role ${token.role}: shown once, keep it now`);
    io.out(secret);
    return 0;
  }
  if (sub === 'list') {
    for (const t of await store.listTokens()) io.out(JSON.stringify(t));
    return 0;
  }
  const revoked = await store.revokeToken(target, new Date().toISOString());
  if (!revoked) {
    io.err(`no valid token with id or name ${JSON.stringify(target)}`);
    return 1;
  }
  io.out(JSON.stringify(revoked));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runCli(process.argv.slice(2));
}

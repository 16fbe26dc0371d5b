#!/usr/bin/env node
// hangscope CLI: `hangscope analyze FILE|- [--format json|text] [--pretty] [--collect-command]`.
// stdout carries only the document (json: compact unless --pretty), the verdict (text),
// or the collector command for the next capture; errors are one line on stderr with
// exit code 2.

import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { analyze } from './analyze.js';
import type { AnalysisDocument } from './contract.js';
import { batched, jsonChunks } from './json-stream.js';
import { collectCommand } from './summary/next-capture.js';

const USAGE =
  'usage: hangscope analyze FILE|- [--format json|text] [--pretty] [--collect-command [--server URL [--incident ID]]]';

function fail(msg: string): never {
  process.stderr.write(`hangscope: ${msg}\n`);
  process.exit(2);
}

export function formatText(doc: AnalysisDocument): string {
  const out: string[] = [];
  out.push(`${doc.title}  [${doc.kind}]${doc.kernel ? `  kernel ${doc.kernel}` : ''}`);
  out.push('');
  out.push(doc.verdict);
  const top = doc.findings.slice(0, 6);
  if (top.length) {
    out.push('');
    for (const f of top) {
      out.push(`- ${f.kind} (${f.severity}): ${f.summary}`);
      for (const s of f.nextSteps?.slice(0, 3) ?? []) out.push(`    next: ${s}`);
    }
  }
  if (doc.nextCapture) {
    out.push('');
    out.push(`capture next: ${collectCommand(doc.nextCapture)}`);
  }
  out.push('');
  out.push(
    `fingerprint ${doc.fingerprint} · ${doc.tasks.length} tasks · ${doc.graph.nodes.length} nodes · ${doc.graph.edges.length} edges`,
  );
  return out.join('\n') + '\n';
}

interface Options {
  file: string;
  format: 'json' | 'text';
  pretty: boolean;
  /** Print only the collector command for the next capture (posting to `server`). */
  collect: { server?: string; incident?: string } | null;
}

/** The command line, strictly: an unknown option or a stray argument is an error. */
function readArgs(argv: string[]): Options | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        pretty: { type: 'boolean' },
        'collect-command': { type: 'boolean' },
        server: { type: 'string' },
        incident: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    const msg = (e as Error).message;
    const opt = /'(-[^']*)'/.exec(msg)?.[1];
    if ((e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && opt)
      fail(`unknown option '${opt}' (${USAGE})`);
    if ((e as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /--format/.test(msg))
      fail(`--format takes json or text, got ''`);
    fail(`${msg.split('\n')[0]} (${USAGE})`);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [cmd, file, ...extra] = positionals;
  if (cmd !== 'analyze') fail(cmd ? `unknown command '${cmd}' (${USAGE})` : USAGE);
  if (file === undefined) fail(`missing FILE (${USAGE})`);
  if (extra.length) fail(`unexpected argument '${extra[0]}' (${USAGE})`);
  const format = values.format ?? 'text';
  if (format !== 'json' && format !== 'text') fail(`--format takes json or text, got '${format}'`);
  if (values.pretty && format !== 'json') fail(`--pretty goes with --format json (${USAGE})`);
  const wantsCollect = values['collect-command'] ?? false;
  if ((values.server !== undefined || values.incident !== undefined) && !wantsCollect)
    fail(`--server and --incident go with --collect-command (${USAGE})`);
  if (values.incident !== undefined && values.server === undefined) fail(`--incident goes with --server (${USAGE})`);
  if (wantsCollect && values.format !== undefined)
    fail(`--collect-command prints a command, not a --format (${USAGE})`);
  if (values.server !== undefined && !/^https?:\/\/[\w.:[\]~/%@-]{1,500}$/.test(values.server))
    fail(`--server takes an http(s) URL, got '${values.server}'`);
  if (values.incident !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(values.incident))
    fail(`--incident takes an incident id, got '${values.incident}'`);
  const collect = wantsCollect ? { server: values.server?.replace(/\/+$/, ''), incident: values.incident } : null;
  return { file, format, pretty: values.pretty ?? false, collect };
}

async function main(argv: string[]): Promise<void> {
  const opts = readArgs(argv.slice(2));
  if (opts === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const { file } = opts;
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(
      `cannot read '${file}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`,
    );
  }
  const doc = analyze(text);
  if (opts.collect) {
    // With no next step for the collector, its plain run: every blocked task's files.
    const { server, incident } = opts.collect;
    process.stdout.write(
      collectCommand(doc.nextCapture ?? { args: [] }, server ? { server, incident } : undefined) + '\n',
    );
    return;
  }
  if (opts.format === 'text') process.stdout.write(formatText(doc));
  else if (opts.pretty) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  else {
    // Compact and in pieces, waiting for the reader: the output is never held whole.
    for (const piece of batched(jsonChunks(doc))) {
      if (!process.stdout.write(piece)) await once(process.stdout, 'drain');
    }
    process.stdout.write('\n');
  }
}

// `hangscope analyze big.txt --format json | head`: a reader that stops early is no error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
void main(process.argv);

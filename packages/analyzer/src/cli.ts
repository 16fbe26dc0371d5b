#!/usr/bin/env node
// hangscope CLI: `hangscope analyze FILE|- [--format json|text] [--pretty]`.
// stdout carries only the document (json: compact unless --pretty) or the verdict (text);
// errors are one line on stderr with exit code 2.

import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { analyze } from './analyze.js';
import type { AnalysisDocument } from './contract.js';
import { batched, jsonChunks } from './json-stream.js';

const USAGE = 'usage: hangscope analyze FILE|- [--format json|text] [--pretty]';

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
  out.push('');
  out.push(`fingerprint ${doc.fingerprint} · ${doc.tasks.length} tasks · ${doc.graph.nodes.length} nodes · ${doc.graph.edges.length} edges`);
  return out.join('\n') + '\n';
}

interface Options {
  file: string;
  format: 'json' | 'text';
  pretty: boolean;
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
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    const msg = (e as Error).message;
    const opt = /'(-[^']*)'/.exec(msg)?.[1];
    if ((e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && opt) fail(`unknown option '${opt}' (${USAGE})`);
    if ((e as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /--format/.test(msg)) fail(`--format takes json or text, got ''`);
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
  return { file, format, pretty: values.pretty ?? false };
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
    fail(`cannot read '${file}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
  const doc = analyze(text);
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

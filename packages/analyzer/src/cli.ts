#!/usr/bin/env node
// hangscope CLI: `hangscope analyze FILE|- [--format json|text]`.
// stdout carries only the document (json) or the verdict (text); errors are one line on
// stderr with exit code 2.

import { readFileSync } from 'node:fs';
import { analyze } from './analyze.js';
import type { AnalysisDocument } from './contract.js';

const USAGE = 'usage: hangscope analyze FILE|- [--format json|text]';

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

function main(argv: string[]): void {
  const args = argv.slice(2);
  const cmd = args.shift();
  if (cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (cmd !== 'analyze') fail(cmd ? `unknown command '${cmd}' (${USAGE})` : USAGE);
  let file: string | null = null;
  let format = 'text';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--format' || a === '-f') {
      const v = args[++i];
      if (v !== 'json' && v !== 'text') fail(`--format takes json or text, got '${v ?? ''}'`);
      format = v;
    } else if (a.startsWith('--format=')) {
      const v = a.slice('--format='.length);
      if (v !== 'json' && v !== 'text') fail(`--format takes json or text, got '${v}'`);
      format = v;
    } else if (a.startsWith('-') && a !== '-') {
      fail(`unknown option '${a}' (${USAGE})`);
    } else if (file === null) {
      file = a;
    } else fail(`unexpected argument '${a}' (${USAGE})`);
  }
  if (file === null) fail(`missing FILE (${USAGE})`);
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(`cannot read '${file}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
  const doc = analyze(text);
  process.stdout.write(format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : formatText(doc));
}

// `hangscope analyze big.txt --format json | head`: a reader that stops early is no error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
main(process.argv);

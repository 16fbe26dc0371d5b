// The only module that touches elkjs. It is reached through a dynamic import() from
// layout.ts, so elkjs lands in its own chunk, and ELK runs in a Web Worker so a big
// graph never freezes the page while it is laid out.
import ELK from 'elkjs/lib/elk-api.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';

let elk: InstanceType<typeof ELK> | null = null;

/** Starts the worker (it parses ~1.5 MB of ELK) before there is a graph to lay out. */
export function warmElk(): void {
  elk ??= new ELK({ workerUrl });
}

export function runElk(graph: ElkNode): Promise<ElkNode> {
  elk ??= new ELK({ workerUrl });
  return elk.layout(graph);
}

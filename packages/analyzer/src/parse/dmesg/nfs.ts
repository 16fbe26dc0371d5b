// NFS client messages (fs/nfs/client.c, net/sunrpc/clnt.c call_timeout):
//   nfs: server nfs01.example not responding, still trying / timed out
//   nfs: server nfs01.example OK
// They name the server a task in rpc_wait_bit_killable waits for.

import type { FormatParser } from '../parser.js';
import { span } from '../parser.js';

const NFS = /^nfs: server (\S{1,255}) (not responding, (?:still trying|timed out)|OK)$/;

export const nfsServerParser: FormatParser = {
  name: 'nfs_server',
  starts: (line) => line.trimmed.startsWith('nfs: server '),
  parse(lines, i, ctx) {
    let j = i;
    for (; j < lines.length; j++) {
      const m = NFS.exec(lines[j].trimmed);
      if (!m) break;
      ctx.records.nfsServers.push({ server: m[1], ok: m[2] === 'OK', span: span(lines, j, j + 1) });
    }
    return j > i ? j : null;
  },
};

// NFS client messages (fs/nfs/client.c, net/sunrpc/clnt.c call_timeout):
//   nfs: server nfs01.example not responding, still trying / timed out
//   nfs: server nfs01.example OK
// They name the server a task in rpc_wait_bit_killable waits for.

import { lineListParser } from '../line-list.js';

const NFS = /^nfs: server (\S{1,255}) (not responding, (?:still trying|timed out)|OK)$/;

export const nfsServerParser = lineListParser('nfs_server', 'nfs: server ', NFS, (m, line, ctx) => {
  ctx.records.nfsServers.push({ server: m[1], ok: m[2] === 'OK', span: { line: line.no, endLine: line.endNo } });
});

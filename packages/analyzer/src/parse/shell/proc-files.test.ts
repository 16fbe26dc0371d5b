import { describe, expect, it } from 'vitest';
import { parseText } from '../run.js';

const tasks = (text: string) =>
  parseText(text).records.tasks.map((t) => [t.pid, t.comm, t.state, t.frames.map((f) => f.fn).join(' ')]);

describe('/proc files as people paste them', () => {
  it('tail -n +1 /proc/PID/{comm,stack}: each file named before its contents', () => {
    expect(
      tasks(
        [
          '$ sudo tail -n +1 /proc/517/comm /proc/517/stack /proc/4412/stack',
          '==> /proc/517/comm <==',
          'jbd2/dm-0-8',
          '',
          '==> /proc/517/stack <==',
          '[<0>] io_schedule+0x12/0x40',
          '[<0>] kjournald2+0xbd/0x270 [jbd2]',
          '',
          '==> /proc/4412/task/4413/stack <==',
          '[<0>] jbd2_log_wait_commit+0xac/0x120 [jbd2]',
          '[<0>] ext4_sync_file+0x2d4/0x3b0 [ext4]',
        ].join('\n'),
      ),
    ).toEqual([
      [517, 'jbd2/dm-0-8', null, ''],
      [517, null, null, 'io_schedule kjournald2'],
      [4413, null, null, 'jbd2_log_wait_commit ext4_sync_file'],
    ]);
  });

  it("a `pid: N` label (and its wrapped `syscall:` line) stands for that pid's stack", () => {
    expect(
      tasks(
        [
          'pid: 22858',
          'syscall: 4 0x564b46285d10 0x7ffcea3f9a80 0x7ffcea3f9a80 0x83a 0x3 0x20',
          '0x7ffcea3f99d8 0x7f6cc78c7295',
          '[<0>] cifs_mark_open_files_invalid+0x54/0xa0 [cifs]',
          '[<0>] smb2_reconnect+0x2d6/0x4b0 [cifs]',
          '',
          'PID: 9505',
          '[<0>] open_shroot+0x43/0x200 [cifs]',
          '[<0>] smb2_query_path_info+0x93/0x220 [cifs]',
        ].join('\n'),
      ),
    ).toEqual([
      [22858, null, null, 'cifs_mark_open_files_invalid smb2_reconnect'],
      [9505, null, null, 'open_shroot smb2_query_path_info'],
    ]);
  });

  it('grep . /proc/*/stack: the file before every line, one task per file', () => {
    expect(
      tasks(
        [
          '/proc/4412/stack:[<0>] jbd2_log_wait_commit+0xac/0x120 [jbd2]',
          '/proc/4412/stack:[<0>] ext4_sync_file+0x2d4/0x3b0 [ext4]',
          '/proc/517/stack:[<0>] io_schedule+0x12/0x40',
          '/proc/517/stack:[<ffffffffffffffff>] 0xffffffffffffffff',
        ].join('\n'),
      ),
    ).toEqual([
      [4412, null, null, 'jbd2_log_wait_commit ext4_sync_file'],
      [517, null, null, 'io_schedule'],
    ]);
  });

  it("a loop that prints the pid on its stack's first line: that pid's task, up to the end line", () => {
    expect(
      tasks(
        [
          '20761 [<ffffffffa0305fdd>] xlog_grant_head_wait+0xdd/0x1a0 [xfs]',
          '[<ffffffffa0306166>] xlog_grant_head_check+0xc6/0xe0 [xfs]',
          '[<ffffffffffffffff>] 0xffffffffffffffff',
          '20757 [<ffffffffa0305fdd>] xlog_grant_head_wait+0xdd/0x1a0 [xfs]',
          '[<ffffffffa030627f>] xfs_log_reserve+0xff/0x240 [xfs]',
          '',
          'That is the stack of a process waiting for log space.',
        ].join('\n'),
      ),
    ).toEqual([
      [20761, null, null, 'xlog_grant_head_wait xlog_grant_head_check'],
      [20757, null, null, 'xlog_grant_head_wait xfs_log_reserve'],
    ]);
  });

  it('/proc/PID/status: name, state, pid (and tgid, ppid)', () => {
    const { records } = parseText(
      [
        'Name:\tpostgres',
        'Umask:\t0077',
        'State:\tD (disk sleep)',
        'Tgid:\t4412',
        'Ngid:\t0',
        'Pid:\t4413',
        'PPid:\t1201',
        'TracerPid:\t0',
        'VmRSS:\t  12345 kB',
      ].join('\n'),
    );
    expect(records.tasks.map((t) => [t.pid, t.comm, t.state, t.tgid, t.ppid])).toEqual([
      [4413, 'postgres', 'D', 4412, 1201],
    ]);
  });
});

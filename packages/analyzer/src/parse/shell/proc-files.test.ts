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

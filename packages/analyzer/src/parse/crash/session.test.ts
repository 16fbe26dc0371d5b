import { describe, expect, it } from 'vitest';
import { parseText } from '../run.js';

describe('crash ps -m / ps -l', () => {
  it('reads state, pid, task, cpu and comm; a D task\'s time since it last ran is how long it is blocked', () => {
    const { records } = parseText(
      [
        'crash> ps -m | grep UN',
        '[0 00:12:41.316] [UN]  PID: 3127   TASK: ffff9f4b8a2d0000  CPU: 6   COMMAND: "mount"',
        '[1 02:00:00.500] [IN]  PID: 1      TASK: ffff9f4b80358000  CPU: 0   COMMAND: "systemd"',
        'crash> ps -l',
        '[4894133823451] [UN]  PID: 911    TASK: ffff9f4b81f3c000  CPU: 1   COMMAND: "jbd2/sda1-8"',
      ].join('\n'),
    );
    expect(records.tasks.map((t) => [t.pid, t.comm, t.state, t.cpu, t.taskAddr, t.blockedSeconds])).toEqual([
      [3127, 'mount', 'D', 6, 'ffff9f4b8a2d0000', 761],
      [1, 'systemd', 'S', 0, 'ffff9f4b80358000', undefined],
      [911, 'jbd2/sda1-8', 'D', 1, 'ffff9f4b81f3c000', undefined],
    ]);
  });
});

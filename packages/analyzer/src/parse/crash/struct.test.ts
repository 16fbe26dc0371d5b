import { describe, expect, it } from 'vitest';
import { parseText } from '../run.js';

describe('crash struct dumps', () => {
  it('a member printed with -o and a base address records where it lives, not a value', () => {
    const { records } = parseText(
      [
        'crash> mm_struct.mmap_lock 0xffff9a20c0063200 -o',
        'struct mm_struct {',
        '  [ffff9a20c0063270]     struct rw_semaphore mmap_lock;',
        '  [ffff9a20c0063300] struct page *pages[4];',
        '}',
      ].join('\n'),
    );
    expect(records.structs.map((d) => [d.type, d.addr, d.fields, d.memberAt, d.span])).toEqual([
      [
        'mm_struct',
        'ffff9a20c0063200',
        {},
        { mmap_lock: 'ffff9a20c0063270', pages: 'ffff9a20c0063300' },
        { line: 2, endLine: 5 },
      ],
    ]);
  });

  it('a member path that is a struct itself opens a block: its fields are under that path', () => {
    const { records } = parseText(
      [
        'crash> struct inode.i_rwsem.owner ffffa0e401865638 -x',
        '  i_rwsem.owner = {',
        '    counter = 0xffffa0ba50b620c0',
        '  },',
      ].join('\n'),
    );
    expect(records.structs.map((d) => [d.type, d.addr, d.fields])).toEqual([
      ['inode', 'ffffa0e401865638', { 'i_rwsem.owner.counter': '0xffffa0ba50b620c0' }],
    ]);
  });

  it('offsets printed without a base address are skipped, as before', () => {
    const { records } = parseText(
      ['crash> struct -o mm_struct', 'struct mm_struct {', '  [0x70] struct rw_semaphore mmap_lock;', '}'].join('\n'),
    );
    expect(records.structs.map((d) => [d.type, d.memberAt])).toEqual([['mm_struct', undefined]]);
  });

  it("`TYPE ADDR | grep member` prints the matching members alone: they are that dump's fields", () => {
    const { records } = parseText(
      [
        'crash> task_struct ffff9a20c0264600 | grep mm',
        '  mm = 0xffff9a20c0063200,',
        '  active_mm = 0xffff9a20c0063200,',
      ].join('\n'),
    );
    expect(records.structs.map((d) => [d.type, d.addr, d.fields])).toEqual([
      ['task_struct', 'ffff9a20c0264600', { mm: '0xffff9a20c0063200', active_mm: '0xffff9a20c0063200' }],
    ]);
  });

  it('without a pipe, member-like lines after a plain command are not a dump', () => {
    const { records } = parseText(['crash> task_struct ffff9a20c0264600', '  mm = 0xffff9a20c0063200,'].join('\n'));
    expect(records.structs).toEqual([]);
  });
});

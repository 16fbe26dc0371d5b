import { describe, expect, it } from 'vitest';
import { undoHtml } from './html.js';

describe('undoHtml', () => {
  it('decodes an HTML mail body line by line, keeping the kernel markup it escaped', () => {
    // pipermail's view of a quoted trace (each line in a span, then a break)
    const text = [
      '<span class="quotelev1">&gt; Call Trace:',
      '</span><br>',
      '<span class="quotelev1">&gt; &lt;IRQ&gt;  [&lt;ffffffff8001235a&gt;] __do_softirq+0x89/0x133',
      '</span><br>',
      '&gt; &gt; #0: ffff88801b887258 (&amp;mm-&gt;mmap_lock){++++}-{3:3}, at: fn+0x1/0x2<br>',
    ].join('\n');
    expect(undoHtml(text).split('\n')).toEqual([
      '> Call Trace:',
      '',
      '> <IRQ>  [<ffffffff8001235a>] __do_softirq+0x89/0x133',
      '',
      '> > #0: ffff88801b887258 (&mm->mmap_lock){++++}-{3:3}, at: fn+0x1/0x2',
    ]);
  });

  it('keeps a break between two records on one line as a space, and numeric entities', () => {
    expect(undoHtml('DR7: 0000000000000400<br>[144482.968743] PKRU: 55555554<br>')).toBe(
      'DR7: 0000000000000400 [144482.968743] PKRU: 55555554',
    );
    expect(undoHtml('&#91; 12.3&#93; &#x3c;TASK&#x3E;&nbsp;x &#10; &lt;br&gt;')).toBe('[ 12.3] <TASK> x &#10; <br>');
  });

  it('leaves a kernel text alone: its own `<IRQ>`, `<4>`, `<65>` and `&` are no markup', () => {
    const kernel = '<4>[  1.2]  <IRQ>\n Code: 48 89 <65> 48\n (&mm->mmap_lock){++++}';
    expect(undoHtml(kernel)).toBe(kernel);
  });
});

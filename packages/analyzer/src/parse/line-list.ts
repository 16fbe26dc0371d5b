// A parser for one-line messages that come in runs (`nfs: server … not responding`,
// `unregister_netdevice: waiting for …`): each matching line yields a record.

import type { Line } from '../text/lines.js';
import type { FormatParser, ParseContext } from './parser.js';

export function lineListParser(
  name: string,
  prefix: string,
  re: RegExp,
  onMatch: (m: RegExpExecArray, line: Line, ctx: ParseContext) => void,
): FormatParser {
  return {
    name,
    startChars: prefix[0],
    starts: (line) => line.trimmed.startsWith(prefix),
    parse(lines, i, ctx) {
      let j = i;
      for (; j < lines.length; j++) {
        const m = re.exec(lines.trimmed(j));
        if (!m) break;
        onMatch(m, lines.at(j), ctx);
      }
      return j > i ? j : null;
    },
  };
}

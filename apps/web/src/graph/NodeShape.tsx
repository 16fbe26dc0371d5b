// One shape per node type, so the kind of thing is readable before the label is.
import type { NodeType } from '@hangscope/analyzer';

export function NodeShape({ type, width: w, height: h }: { type: NodeType | string; width: number; height: number }) {
  switch (type) {
    case 'lock': {
      const k = 12;
      return (
        <polygon className="shape" points={`${k},0 ${w - k},0 ${w},${h / 2} ${w - k},${h} ${k},${h} 0,${h / 2}`} />
      );
    }
    case 'cpu':
      return <rect className="shape" width={w} height={h} rx={2} />;
    case 'work': {
      const k = 8;
      return <polygon className="shape" points={`${k},0 ${w},0 ${w - k},${h} 0,${h}`} />;
    }
    case 'wq':
      // A stack of cards: a queue of work.
      return (
        <>
          <rect className="shape shape-back" x={4} y={-4} width={w} height={h} rx={3} />
          <rect className="shape" width={w} height={h} rx={3} />
        </>
      );
    case 'external':
      return <ellipse className="shape" cx={w / 2} cy={h / 2} rx={w / 2} ry={h / 2} />;
    case 'task':
    default:
      return <rect className="shape" width={w} height={h} rx={h / 2.5} />;
  }
}

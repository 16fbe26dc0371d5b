// The objects of the last analysis of a small text, kept (never read) so that the next
// analysis finds V8's hidden classes of its objects, and the code optimized for them,
// still in place.
//
// V8 reaches the hidden class of an object built by a constructor or grown property by
// property only through the objects that have it. A full garbage collection that finds
// none alive (a worker between two analyses, or the collector running while one stage's
// objects are gone) drops the class and throws away every optimized function that
// assumed it ("weak objects" in `node --trace-deopt`): the next analysis runs the
// analyzer's hot code cold again. In the benchmark's workers, which collect before each
// timed analysis as a server's idle worker does, that made every analysis cost what the
// first one in a fresh process costs (BENCHMARKS.md, seventh pass).
//
// Only a small text's objects are kept (a few hundred KB at most, replaced by the next
// small analysis): a big dump's must go with its document (memory.test.ts). The helpers
// a stage makes and drops inside itself (the graph builder, a trace's frame list) are not
// among them: their modules keep one empty instance each for good (keepShape).

/** Texts up to this length have their analysis's objects kept. */
export const KEPT_TEXT_MAX = 256 * 1024;

/** What is kept (written, never read: holding it is the point). */
const kept: { objects: readonly object[] } = { objects: [] };

const samples: object[] = [];

/** Keep `o` for good: an empty instance of a class whose objects live only inside a stage. */
export function keepShape(o: object): void {
  samples.push(o);
}

/** Keep `objects` of an analysis of a text of `length` characters, if it is small. */
export function keepShapes(length: number, objects: readonly object[]): void {
  if (length <= KEPT_TEXT_MAX) kept.objects = objects;
}

export * from './contract.js';
export { ANALYZER_VERSION } from './version.js';
export { analyze, analysisFailed } from './analyze.js';
export { FINGERPRINT_VERSION } from './summary/fingerprint.js';
export { frameSignature, similarity, type FrameSignature, type Similarity } from './summary/similarity.js';
export {
  StackTable,
  compactAnalysis,
  expandAnalysis,
  isCompact,
  stackKey,
  type CompactAnalysis,
  type CompactTask,
} from './compact.js';
export { ANALYSIS_YOUNG_GENERATION_MB } from './heap.js';
export { isGenericFrame } from './knowledge/waits.js';
export { collectCommand, nextCapture } from './summary/next-capture.js';
export { CAPTURE_MARKER, joinCaptures } from './summary/captures.js';
export { diffAnalyses } from './summary/diff.js';

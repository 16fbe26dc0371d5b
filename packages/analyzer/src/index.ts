export * from './contract.js';
export { ANALYZER_VERSION } from './version.js';
export { analyze } from './analyze.js';
export { StackTable, compactAnalysis, expandAnalysis, isCompact, stackKey, type CompactAnalysis, type CompactTask } from './compact.js';

// Bumped whenever the analysis of the same text may change: the server re-analyzes
// stored incidents whose analyzerVersion differs.
export const ANALYZER_VERSION = '0.3.0';

// How big a V8 young generation an analysis wants, for whoever runs analyze() in a
// worker thread of its own (the server's analysis pool, the benchmark).
//
// V8 grows a thread's young generation by doubling its semi-spaces, up to 2 × 16 MB on
// 64-bit, whenever the bytes that survived scavenges since the last growth exceed its
// size. Every analysis of a big dump keeps a document of tens of thousands of tasks, so
// it always reaches the top: 32 MB, 3.2× a 10 MB dump, whatever the analyzer does with
// its objects (BENCHMARKS.md, "Memory at 10 MB"). With 8 MB semi-spaces the peak of a
// 10 MB analysis is 1.0–1.6× the input lower and its time moves by less than the
// machine's noise; 4 MB ones saved no more (BENCHMARKS.md, "Analysis workers with a
// bounded young generation"). V8 sizes a young generation as three semi-spaces (two, and as much
// again for large objects): 24 MB is an 8 MB semi-space.

/** `resourceLimits.maxYoungGenerationSizeMb` for a worker thread running analyze(). */
export const ANALYSIS_YOUNG_GENERATION_MB = 24;

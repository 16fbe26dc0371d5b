import { describe, expect, it } from 'vitest';
import { ANALYSIS_YOUNG_GENERATION_MB } from '@hangscope/analyzer';
import { ANALYSIS_MIN_OLD_GENERATION_MB, analysisResourceLimits } from './heap-limits.js';

describe('analysisResourceLimits', () => {
  it('caps the young generation and scales the old generation with the largest upload', () => {
    expect(analysisResourceLimits(64 * 1048576)).toEqual({
      maxYoungGenerationSizeMb: ANALYSIS_YOUNG_GENERATION_MB,
      maxOldGenerationSizeMb: 1024,
    });
    expect(analysisResourceLimits(1048576).maxOldGenerationSizeMb).toBe(ANALYSIS_MIN_OLD_GENERATION_MB);
    expect(analysisResourceLimits(256 * 1048576).maxOldGenerationSizeMb).toBe(4096);
  });
});

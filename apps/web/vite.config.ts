// defineConfig from vitest/config: it types `test` even when pnpm links vitest to a
// different copy of vite than this package's (the reference-types augmentation would miss).
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  build: {
    // elkjs alone is ~1.5 MB minified; it is lazy-loaded, so its size is expected.
    chunkSizeWarningLimit: 2000,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});

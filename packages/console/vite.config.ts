import { defineConfig } from 'vite';

// The console is served by `pype serve` under /console/; everything it needs is bundled here.
export default defineConfig({
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});

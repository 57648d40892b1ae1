// Builds the three Electron bundles: main (with the headless backend), preload (CommonJS, as
// sandboxed preloads require) and the Svelte renderer. Needs no Electron binary.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // The workers are entries of their own; flat names keep them beside index.js, where
        // engineWorkerUrl(), helperWorkerUrl() and whiteboxHelperUrl() look for them in the bundle.
        input: {
          index: resolve('src/main/index.ts'),
          'engine-worker': resolve('src/main/engine/worker.ts'),
          'grad-helper': resolve('src/main/engine/parallel/helper-worker.ts'),
          'whitebox-helper': resolve('src/main/engine/attacks/whitebox/helper-worker.ts'),
        },
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [svelte()],
    build: {
      outDir: resolve('out/renderer'),
      rollupOptions: { input: resolve('src/renderer/index.html') },
    },
  },
});

// Layer rules of STYLE.md, checked by `npm run lint`:
// shared <- {store, data, engine} <- jobs <- ipc <- {transports, cli} <- app; nothing imports upward.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-is-pure',
      comment: 'src/shared is pure TypeScript: no Node built-ins, no electron, nothing outside shared.',
      severity: 'error',
      from: { path: '^src/shared' },
      to: { pathNot: ['^src/shared', '^node_modules/zod'] },
    },
    {
      name: 'only-shell-imports-electron',
      comment: 'Only src/main/app, src/main/index.ts, the Electron transport and the preload import electron.',
      severity: 'error',
      from: { pathNot: ['^src/main/app/', '^src/main/index\\.ts$', '^src/main/ipc/electron-transport\\.ts$', '^src/preload/'] },
      to: { path: '^node_modules/electron/' },
    },
    {
      name: 'renderer-stays-in-the-browser',
      comment: 'The renderer reaches the backend only through the API seam: no main, preload or Node imports.',
      severity: 'error',
      from: { path: '^src/renderer' },
      to: { path: ['^src/main', '^src/preload'], dependencyTypes: ['local', 'npm', 'core'] },
    },
    {
      name: 'renderer-no-node-builtins',
      severity: 'error',
      from: { path: '^src/renderer' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'lower-layers-do-not-import-upward',
      comment: 'store, data and engine know nothing of jobs, ipc, cli or app.',
      severity: 'error',
      from: { path: '^src/main/(store|data|engine)/' },
      to: { path: '^src/main/(jobs|ipc|cli|app)/' },
    },
    {
      name: 'store-data-engine-are-siblings',
      comment: 'The engine and the store talk to the rest only through jobs.',
      severity: 'error',
      from: { path: '^src/main/(data|engine)/' },
      to: { path: '^src/main/store/' },
    },
    {
      name: 'jobs-below-ipc',
      severity: 'error',
      from: { path: '^src/main/jobs/' },
      to: { path: '^src/main/(ipc|cli|app)/' },
    },
    {
      name: 'ipc-below-cli-and-app',
      severity: 'error',
      from: { path: '^src/main/ipc/' },
      to: { path: '^src/main/(cli|app)/' },
    },
    {
      name: 'report-sits-above-jobs',
      comment: 'The report (src/main/report) reads the store and calls the engine through jobs; ipc and the CLI call it. Nothing below imports it.',
      severity: 'error',
      from: { path: '^src/main/(store|data|engine|jobs|platform)/' },
      to: { path: '^src/main/report/' },
    },
    {
      name: 'report-below-ipc',
      severity: 'error',
      from: { path: '^src/main/report/' },
      to: { path: '^src/main/(ipc|cli|app)/' },
    },
    {
      name: 'report-reaches-the-engine-through-jobs',
      comment: 'The report may name engine message types, never run engine code in the main process.',
      severity: 'error',
      from: { path: '^src/main/report/' },
      to: { path: '^src/main/engine/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'report-html-is-pure',
      comment: 'HTML generation and the verdict rule are pure: data in, string out (no I/O, nothing but shared types and each other).',
      severity: 'error',
      from: { path: '^src/main/report/(render/|model\\.ts$|verdict\\.ts$)' },
      to: { pathNot: ['^src/main/report/(render/|model\\.ts$|verdict\\.ts$)', '^src/shared/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, pathNot: '^src/main/ipc/(backend|handlers/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    exclude: { path: ['^out/', '^node_modules/'] },
  },
};

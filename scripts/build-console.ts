// Bundles the web console (console/) into dist/console: one script, one stylesheet and the
// page, with every library inside, so the console works with no network.
import { copyFile, mkdir } from 'node:fs/promises';
import { build } from 'esbuild';

const out = 'dist/console';
await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: 'console/src/main.tsx' },
  outdir: out,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'linked',
  logLevel: 'warning',
});
await copyFile('console/index.html', `${out}/index.html`);

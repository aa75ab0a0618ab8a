// `vite build`, one page at a time, so that each page is one JS file and one CSS file.
//
// A single Rollup build of the five pages splits the code they share into common chunks: the
// participant page needed its entry, six shared chunks and two style sheets (11 requests with the
// HTML and /api/codes), and on a slow network every request past the browser's six connections
// costs another round trip (2 s on DevTools "Slow 3G"; bench/bench_page_load.py). Built alone, a
// page has no shared chunk: everything it imports is in its entry, and all its CSS in one file.
// The shared code is repeated in each page's file, which costs nothing to a visitor (one page at
// a time; tree-shaken per page, so each file holds only what that page uses).
//
// Each build writes its own manifest (.vite/manifest.<page>.json); they are merged into
// .vite/manifest.json, the one scripts/size.mjs and anyone else reads. vite.config.ts builds
// only the page named by METROKAWA_PAGE when it is set (all of them otherwise, as before).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, resolveConfig } from 'vite';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
delete process.env.METROKAWA_PAGE;
// The pages vite.config.ts builds (those whose HTML file and entry module exist).
const pages = Object.keys((await resolveConfig({ root, logLevel: 'warn' }, 'build', 'production')).build.rollupOptions.input);
const merged = {};
rmSync(dist, { recursive: true, force: true });
for (const name of pages) {
  process.env.METROKAWA_PAGE = name;
  const manifestFile = `.vite/manifest.${name}.json`;
  await build({ root, logLevel: 'warn', build: { emptyOutDir: false, manifest: manifestFile } });
  const path = join(dist, manifestFile);
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  for (const [key, chunk] of Object.entries(manifest)) {
    const before = merged[key];
    if (before && before.file !== chunk.file) throw new Error(`build: "${key}" built twice, as ${before.file} and ${chunk.file}`);
    merged[key] = chunk;
  }
  rmSync(path);
  console.log(`built ${name}.html: ${Object.keys(manifest).length} manifest entries`);
}
delete process.env.METROKAWA_PAGE;
writeFileSync(join(dist, '.vite', 'manifest.json'), JSON.stringify(merged, null, 2) + '\n');
if (!existsSync(join(dist, 'participant.html'))) {
  console.error('build: participant.html is not in the build');
  process.exit(1);
}

// The weight of each page: its entry and every chunk it imports (JS + CSS), raw and gzipped,
// from dist/.vite/manifest.json. Fails if the participant page is over its budget (gzipped).
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const manifestPath = join(dist, '.vite', 'manifest.json');
const BUDGET_GZIP = 120 * 1024; // participant page
if (!existsSync(manifestPath)) {
  console.error(`size: ${manifestPath} not found (run vite build first)`);
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

/** Every file (JS and CSS) a manifest entry loads, following static imports. */
function filesOf(key, seen = new Set(), files = new Set()) {
  if (seen.has(key)) return files;
  seen.add(key);
  const chunk = manifest[key];
  if (!chunk) return files;
  if (/\.(js|css)$/.test(chunk.file)) files.add(chunk.file);
  for (const css of chunk.css ?? []) files.add(css);
  for (const imp of chunk.imports ?? []) filesOf(imp, seen, files);
  return files;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let failed = false;
const pages = Object.entries(manifest).filter(([, c]) => c.isEntry && c.src?.endsWith('.html'));
for (const [key] of pages) {
  let raw = 0;
  let gz = 0;
  const files = [...filesOf(key)];
  for (const f of files) {
    const buf = readFileSync(join(dist, f));
    raw += buf.length;
    gz += gzipSync(buf, { level: 9 }).length;
  }
  const budget = key === 'participant.html' ? BUDGET_GZIP : null;
  const over = budget != null && gz > budget;
  failed ||= over;
  console.log(
    `${key.padEnd(16)} ${String(files.length).padStart(2)} files  raw ${kb(raw).padStart(9)}  gzip ${kb(gz).padStart(8)}` +
      (budget != null ? `  (budget ${kb(budget)} gzip${over ? ': OVER' : ': ok'})` : ''),
  );
}
if (!pages.some(([k]) => k === 'participant.html')) {
  console.error('size: participant.html is not in the build');
  process.exit(1);
}
process.exit(failed ? 1 : 0);

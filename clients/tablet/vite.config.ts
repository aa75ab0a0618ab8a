import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// One HTML file per page; the server maps URLs to them (/, /j/{code}, /f/{id}, /p/{id}).
// A page is built when its HTML file and its entry module both exist, so each page can be
// developed on its own.
const PAGES: Record<string, string> = {
  index: 'src/home/main.tsx',
  participant: 'src/participant/main.tsx',
  console: 'src/console/main.tsx',
  projector: 'src/projector/main.tsx',
  replay: 'src/replay/main.tsx',
};

const root = __dirname;
const input: Record<string, string> = {};
for (const [name, entry] of Object.entries(PAGES)) {
  const html = resolve(root, `${name}.html`);
  if (existsSync(html) && existsSync(resolve(root, entry))) input[name] = html;
  else console.warn(`[metrokawa] page "${name}" skipped: ${name}.html or ${entry} is missing`);
}
// scripts/build.mjs (`npm run build`) builds one page at a time, naming it here, so that each page
// is one JS file and one CSS file (no chunk shared between pages: fewer requests on a slow network).
const only = process.env.METROKAWA_PAGE;
if (only) {
  if (!input[only]) throw new Error(`[metrokawa] METROKAWA_PAGE=${only}: no such page`);
  for (const name of Object.keys(input)) if (name !== only) delete input[name];
}

const backend = process.env.METROKAWA_BACKEND ?? 'http://127.0.0.1:8000';

// In development, map the server's page URLs to the HTML files, as the server does in production.
const pageRoutes = {
  name: 'metrokawa-page-routes',
  configureServer(server: any) {
    server.middlewares.use((req: any, _res: any, next: () => void) => {
      const url: string = req.url ?? '';
      if (/^\/j\/[^/]+\/?(\?.*)?$/.test(url)) req.url = '/participant.html';
      else if (/^\/t\/[^/]+\/\d+\/?(\?.*)?$/.test(url)) req.url = '/participant.html';
      else if (/^\/f\/[^/]+\/?(\?.*)?$/.test(url)) req.url = '/console.html';
      else if (/^\/p\/[^/]+\/?(\?.*)?$/.test(url)) req.url = '/projector.html';
      next();
    });
  },
};

export default defineConfig({
  base: '/',
  plugins: [pageRoutes],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    manifest: true,
    target: 'es2020',
    rollupOptions: { input },
  },
  server: {
    proxy: {
      '/api': backend,
      '/ws': { target: backend, ws: true },
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
} as any);

/**
 * No import circle in src/: a module never reaches itself through its imports (type-only imports
 * count: `import type { Ctx } from './Tablet'` in a part of the Tablet was such a circle). The
 * sources are read through Vite (`?raw`), their relative imports resolved to files, and the graph
 * searched depth first. The finder is checked first on graphs written out here.
 */
import { describe, expect, it } from 'vitest';

type Graph = Record<string, string[]>;

/** Every circle of `graph`, each as the path that closes it (a → b → a), once per circle. */
function findCircles(graph: Graph): string[][] {
  const circles: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph[node] ?? []) {
      if (state.get(next) === 'open') {
        const circle = [...path.slice(path.indexOf(next)), next];
        const key = [...circle.slice(0, -1)].sort().join(' ');
        if (!seen.has(key)) {
          seen.add(key);
          circles.push(circle);
        }
      } else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of Object.keys(graph).sort()) if (!state.has(node)) visit(node);
  return circles;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]/g;

/** Relative specifiers of one module (static `import … from`, `export … from`, bare `import '…'`). */
function specifiers(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2]!);
}

/** `./a/b` seen from `src/x/y.tsx`, as a file of `files` (with its extension, or its index). */
function resolve(from: string, spec: string, files: Set<string>): string | null {
  const parts = from.split('/').slice(0, -1);
  for (const part of spec.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  const base = parts.join('/');
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
    if (files.has(candidate)) return candidate;
  }
  return null; // a CSS file or an asset: no module of ours
}

const sources = import.meta.glob<string>('../src/**/*.{ts,tsx}', { query: '?raw', import: 'default', eager: true });

function sourceGraph(): Graph {
  const byFile = Object.fromEntries(Object.entries(sources).map(([path, text]) => [path.replace(/^\.\.\//, ''), text]));
  const files = new Set(Object.keys(byFile));
  const graph: Graph = {};
  for (const [file, text] of Object.entries(byFile)) {
    graph[file] = specifiers(text)
      .map((spec) => resolve(file, spec, files))
      .filter((x): x is string => x !== null);
  }
  return graph;
}

describe('the circle finder', () => {
  it.each([
    ['a line', { a: ['b'], b: ['c'], c: [] }, []],
    ['a diamond', { a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }, []],
    ['two modules importing each other', { a: ['b'], b: ['a'] }, [['a', 'b', 'a']]],
    ['a module importing itself', { a: ['a'] }, [['a', 'a']]],
    ['a circle of three behind an entry', { main: ['x'], x: ['y'], y: ['z'], z: ['x'] }, [['x', 'y', 'z', 'x']]],
  ] as [string, Graph, string[][]][])('%s', (_, graph, circles) => {
    expect(findCircles(graph)).toEqual(circles);
  });

  it('reads every kind of relative import and resolves it to a file', () => {
    const source = [
      "import { h } from 'preact';",
      "import type { Ctx } from './ctx';",
      "import {\n  a,\n  b,\n} from '../state';",
      "export { Button } from './Button';",
      "import './participant.css';",
    ].join('\n');
    expect(specifiers(source)).toEqual(['./ctx', '../state', './Button', './participant.css']);
    const files = new Set(['src/participant/ctx.ts', 'src/state.ts', 'src/participant/Button.tsx']);
    expect(specifiers(source).map((s) => resolve('src/participant/Tablet.tsx', s, files))).toEqual([
      'src/participant/ctx.ts',
      'src/state.ts',
      'src/participant/Button.tsx',
      null,
    ]);
  });
});

describe('src/', () => {
  it('is read whole (the participant tablet and its parts are in the graph)', () => {
    const graph = sourceGraph();
    expect(graph['src/participant/Tablet.tsx']).toContain('src/participant/ctx.ts');
    expect(Object.keys(graph).length).toBeGreaterThan(50);
  });

  it('has no import circle', () => {
    expect(findCircles(sourceGraph())).toEqual([]);
  });
});

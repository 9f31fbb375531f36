// Imports the module given as argv[2] and prints, as JSON, the npm packages it loaded (ESM through
// the resolve hook, CommonJS through require's cache) and how long the import took.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const file = join(mkdtempSync(join(tmpdir(), 'scr-loads-')), 'loads.txt');
register('./record-loads.mjs', { parentURL: import.meta.url, data: { file } });
const target = process.argv[2];
const t0 = performance.now();
await import(target.startsWith('.') || target.startsWith('/') ? pathToFileURL(target).href : target);
const ms = performance.now() - t0;
let esm = [];
try {
  esm = readFileSync(file, 'utf8').trim().split('\n');
} catch {}
const cjs = Object.keys(createRequire(import.meta.url).cache);
const packageOf = (path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(decodeURIComponent(path))?.[1];
const packages = [...new Set([...esm, ...cjs].map(packageOf).filter((p) => p !== undefined))].sort();
console.log(JSON.stringify({ ms, packages }));

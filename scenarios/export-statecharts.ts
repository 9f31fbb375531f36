// Writes the worker's and the router's statecharts (XState JSON and Mermaid) into docs/statecharts/,
// or with --check tells whether the files there still match the machines (exit 1 if not).
//   npx tsx scenarios/export-statecharts.ts [--out docs/statecharts] [--check]

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { statechartFiles } from '../src/machines/statechart-export.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_OUT = join(PROJECT_ROOT, 'docs', 'statecharts');

const command = new Command('export-statecharts')
  .description("write the worker's and the router's statecharts (XState JSON and Mermaid), or check them")
  .option('--out <dir>', 'folder to write into (default: the project\'s docs/statecharts/)')
  .option('--check', 'write nothing; exit 1 if a file there differs from what the machines generate', false);

const flags = command.parse().opts<{ out?: string; check: boolean }>();
const out = flags.out === undefined ? DEFAULT_OUT : resolve(flags.out);
const shown = (path: string): string => relative(process.cwd(), path) || path;
const files = Object.entries(statechartFiles());

if (flags.check) {
  const stale = files
    .map(([name, text]) => ({ path: join(out, name), text }))
    .filter(({ path, text }) => !existsSync(path) || readFileSync(path, 'utf8') !== text)
    .map(({ path }) => `${shown(path)} ${existsSync(path) ? 'differs' : 'is missing'}`);
  if (stale.length > 0) {
    console.error(`statecharts differ from what the machines generate: ${stale.join('; ')}`);
    console.error(`regenerate with: npx tsx scenarios/export-statecharts.ts${flags.out === undefined ? '' : ` --out ${flags.out}`}`);
    console.error("and update the Mermaid blocks in README.md's Statecharts section");
    process.exit(1);
  }
  console.log(`statecharts up to date: ${files.map(([name]) => shown(join(out, name))).join(', ')}`);
} else {
  mkdirSync(out, { recursive: true });
  for (const [name, text] of files) {
    const path = join(out, name);
    writeFileSync(path, text);
    console.log(shown(path));
  }
}

// `npm run check:package`: the package as consumers see it (issue 15). Packs the tarball, lints it
// (publint, arethetypeswrong), installs it into a fresh project and uses it from plain Node ESM,
// from CommonJS (Node's require(esm)), from a tsc-compiled TypeScript consumer, and through its
// bin. Exits non-zero at the first failure, saying which step. Run by .ci/run after `npm test`;
// installs from the npm cache that `npm ci` filled (--prefer-offline), so it needs no internet.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

function step(name: string, run: () => string | void): void {
  const t0 = performance.now();
  try {
    const said = run();
    console.log(`ok   ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)${said ? `: ${said}` : ''}`);
  } catch (error) {
    const e = error as { stdout?: Buffer | string; stderr?: Buffer | string; message: string };
    console.error(`FAIL ${name}\n${String(e.stdout ?? '')}${String(e.stderr ?? '')}${e.message}`);
    process.exit(1);
  }
}

const sh = (command: string, args: readonly string[], cwd: string) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } });
function expectIn(text: string, wanted: string, what: string): void {
  if (!text.includes(wanted)) throw new Error(`${what}: expected '${wanted}' in:\n${text}`);
}

const packDir = mkdtempSync(join(tmpdir(), 'scr-pack-'));
const app = mkdtempSync(join(tmpdir(), 'scr-consumer-'));
let tarball = '';

step('npm pack (builds dist/ first)', () => {
  sh('npm', ['pack', '--pack-destination', packDir, '--silent'], root);
  tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
  return tarball;
});
step('publint', () => sh(bin('publint'), [tarball], root).trim().split('\n').at(-1));
// ESM types for Node 16+ resolution and bundlers; CommonJS consumers load it with Node's require(esm), checked below.
step('arethetypeswrong', () => {
  sh(bin('attw'), [tarball, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm'], root);
  return 'no problem for Node 16+ (ESM) and bundlers';
});

step('install the tarball into a fresh project', () => {
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  writeFileSync(join(app, '.npmrc'), 'onnxruntime-node-install=skip\n');
  sh('npm', ['install', tarball, `typescript@${ours.devDependencies['typescript']}`, `@types/node@${ours.devDependencies['@types/node']}`, '--prefer-offline', '--no-audit', '--no-fund', '--silent'], app);
});

const USE = `
const cluster = createCluster({ workers: 2, strategy: 'cache-aware', seed: 1 });
const recorder = new MetricsRecorder();
recorder.attach(cluster.events$);
for (let i = 0; i < 6; i++) cluster.submit({ prompt: Array.from({ length: 48 }, (_, t) => (t < 32 ? t : 100 + i)), maxTokens: 3 }, i * 20);
`;

step('plain Node ESM', () => {
  writeFileSync(join(app, 'esm.mjs'), `import { createCluster, MetricsRecorder, summarize } from 'stateful-cache-router';
import { gpt2Tokenizer } from 'stateful-cache-router/model';
${USE}await cluster.run();
console.log('completed', summarize(recorder).requests.completed, gpt2Tokenizer().decode(gpt2Tokenizer().encode('hello world')));
`);
  const out = sh('node', ['esm.mjs'], app);
  expectIn(out, 'completed 6 hello world', 'esm.mjs');
  return out.trim();
});

step('CommonJS (require of the ESM package)', () => {
  writeFileSync(join(app, 'cjs.cjs'), `const { createCluster, MetricsRecorder, summarize } = require('stateful-cache-router');
const { openLoop } = require('stateful-cache-router/workload');
${USE}cluster.run().then(() => console.log('completed', summarize(recorder).requests.completed, typeof openLoop));
`);
  const out = sh('node', ['cjs.cjs'], app);
  expectIn(out, 'completed 6 function', 'cjs.cjs');
  return out.trim();
});

step('a tsc-compiled TypeScript consumer (strict, library types checked)', () => {
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: false, types: ['node'], outDir: 'built' }, files: ['consumer.mts'] }));
  writeFileSync(join(app, 'consumer.mts'), `import { createCluster, MetricsRecorder, summarize, type Message, type RunSummary } from 'stateful-cache-router';
import { buildResults } from 'stateful-cache-router/report';
${USE}const kinds = new Set<Message['type']>();
cluster.events$.subscribe((m: Message) => kinds.add(m.type));
await cluster.run();
const summary: RunSummary = summarize(recorder);
const results = buildResults({ scenario: 'consumer', seed: 1, config: {}, runs: [] });
console.log('completed', summary.requests.completed, results.version);
`);
  sh(join(app, 'node_modules/.bin/tsc'), ['-p', '.'], app);
  const out = sh('node', ['built/consumer.mjs'], app);
  expectIn(out, 'completed 6 1', 'consumer.mts');
  return out.trim();
});

step('the bin', () => {
  const cli = join(app, 'node_modules/.bin/stateful-cache-router');
  expectIn(sh(cli, ['--help'], app), 'replay [options] <trace>', '--help');
  const trace = Array.from({ length: 30 }, (_, i) => JSON.stringify({ timestamp: i * 50, input_length: 1024, output_length: 64, hash_ids: [0, i + 1] })).join('\n');
  writeFileSync(join(app, 'trace.jsonl'), `${trace}\n`);
  const out = sh(cli, ['replay', 'trace.jsonl', '--model', 'dummy', '--strategy', 'cache-aware,round-robin', '--out', 'out', '--quiet'], app);
  if (!existsSync(join(app, 'out/results.json'))) throw new Error(`no out/results.json; printed:\n${out}`);
  return 'replay wrote results.json';
});

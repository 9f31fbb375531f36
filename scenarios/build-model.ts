// Builds the tiny GPT-2 into the project's cache (or rebuilds it with --force) and prints where it
// is and what it holds. Loading `--model tiny` builds it on first use anyway; this is for doing it
// ahead, or for looking at it.
//   npx tsx scenarios/build-model.ts [--force] [--seed 0] [--cache-dir .cache/models]

import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { MODEL_FILES } from '../src/model/tiny-gpt2/build.ts';
import { DEFAULT_MODELS_DIR, ensureTinyModel, PROJECT_ROOT } from '../src/model/tiny-gpt2/cache.ts';
import { TinyParamsError } from '../src/model/tiny-gpt2/params.ts';

const integer = (text: string): number => {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new InvalidArgumentError(`'${text}' is not an integer`);
  return value;
};

const flags = new Command('build-model')
  .description('build the tiny GPT-2 (2 layers × 64, GPT-2 vocabulary) that --model tiny loads')
  .option('--force', 'rebuild even if the folder exists', false)
  .option('--seed <n>', 'seed of the weights', integer, 0)
  .option('--cache-dir <dir>', 'folder of built models', DEFAULT_MODELS_DIR)
  .parse()
  .opts<{ force: boolean; seed: number; cacheDir: string }>();

try {
  const started = performance.now();
  const model = await ensureTinyModel({ seed: flags.seed, cacheDir: resolve(flags.cacheDir), force: flags.force });
  const ms = performance.now() - started;
  console.log(`${model.built ? `built in ${ms.toFixed(0)} ms` : 'already built (use --force to rebuild)'}: ${relative(PROJECT_ROOT, model.dir) || model.dir}`);
  let total = 0;
  for (const file of MODEL_FILES) {
    const bytes = statSync(join(model.dir, file)).size;
    total += bytes;
    console.log(`  ${file.padEnd(24)} ${bytes.toLocaleString('en-US').padStart(12)} B`);
  }
  console.log(`  ${'total'.padEnd(24)} ${total.toLocaleString('en-US').padStart(12)} B`);
  const p = model.params;
  console.log(`  ${p.layers} layers × ${p.width} wide, ${p.heads} heads, ${p.positions} positions, weight std ${p.weightStd}, seed ${p.seed}`);
} catch (error) {
  if (!(error instanceof TinyParamsError)) throw error;
  console.error(`error: ${error.message}`);
  process.exitCode = 2;
}

// Where a tiny GPT-2 lives: `<project>/.cache/models/tiny-gpt2-<params hash>/` (git-ignored),
// built on first use. A build goes into a temporary sibling folder that is renamed into place
// when complete, so a crashed build never leaves a half folder under the final name, and two
// processes building at once both end with one complete folder.

import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../package-root.ts';
import { paramsHash, resolveTinyParams, type TinyGpt2Params } from './params.ts';

/** The project root (the package's folder, from source or built). */
export const PROJECT_ROOT = packageRoot();
/** The project's cache folder (git-ignored). */
export const DEFAULT_CACHE_DIR = join(PROJECT_ROOT, '.cache');
/** Where built models go unless a caller says otherwise. */
export const DEFAULT_MODELS_DIR = join(DEFAULT_CACHE_DIR, 'models');

export interface TinyModelOptions extends Partial<TinyGpt2Params> {
  /** The folder holding model folders; `.cache/models` of the project by default. */
  readonly cacheDir?: string;
  /** Rebuild even if the folder exists. */
  readonly force?: boolean;
}

export interface TinyModel {
  readonly dir: string;
  readonly params: TinyGpt2Params;
  /** False when the folder was already there. */
  readonly built: boolean;
}

/** Builds in one process at a time per folder: concurrent callers share the first build. */
const pending = new Map<string, Promise<TinyModel>>();

/** The folder of the tiny GPT-2 with these parameters, building it first if needed. */
export function ensureTinyModel(options: TinyModelOptions = {}): Promise<TinyModel> {
  const { cacheDir, force, ...overrides } = options;
  const params = resolveTinyParams(overrides);
  const dir = join(cacheDir ?? DEFAULT_MODELS_DIR, `tiny-gpt2-${paramsHash(params)}`);
  const running = pending.get(dir);
  if (running !== undefined) return running;
  const job = buildInto(dir, params, force === true).finally(() => pending.delete(dir));
  pending.set(dir, job);
  return job;
}

async function buildInto(dir: string, params: TinyGpt2Params, force: boolean): Promise<TinyModel> {
  if (!force && existsSync(join(dir, 'onnx', 'model.onnx'))) return { dir, params, built: false };
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const temp = await mkdtemp(join(parent, '.building-'));
  try {
    // The ONNX builder (protobufjs, ~30 ms to load) only when a model is built: every run imports this module for its paths.
    const { writeTinyModel } = await import('./build.ts');
    await writeTinyModel(temp, params);
    await chmod(temp, 0o755); // mkdtemp makes it private
    if (force) await moveAside(dir);
    try {
      await rename(temp, dir);
    } catch (error) {
      // Another process renamed its build into place first: identical bytes, so keep theirs.
      if (!isCode(error, 'ENOTEMPTY') && !isCode(error, 'EEXIST')) throw error;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  return { dir, params, built: true };
}

/** Renames an existing folder out of the way and deletes it (a rename cannot replace a folder). */
async function moveAside(dir: string): Promise<void> {
  const trash = `${dir}.old-${process.pid}`;
  try {
    await rename(dir, trash);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return;
    throw error;
  }
  await rm(trash, { recursive: true, force: true });
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

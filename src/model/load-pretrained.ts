// Loads a causal LM and its tokenizer through transformers.js from a local folder or the Hugging
// Face hub, and turns every failure into a one-line ModelLoadError. transformers.js keeps its
// settings in a global `env`; a load changes them only for its own duration (loads run one at a
// time) and puts them back.

import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  ModelFileNotFoundError,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { ModelLoadError } from './errors.ts';
import { DEFAULT_CACHE_DIR } from './tiny-gpt2/cache.ts';

/** Where hub downloads are kept: inside the project, never inside node_modules. */
export const DEFAULT_HUB_CACHE_DIR = join(DEFAULT_CACHE_DIR, 'hub');

/** The files transformers.js reads from a model folder (generation_config.json is optional). */
export const REQUIRED_MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'] as const;

const OFFLINE_HINT = 'use --model tiny (built in, offline) or a local folder';
/** Error codes that mean "no network", as Node's fetch reports them in `cause`. */
const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** owner/name, as the hub spells a repository. */
const HUB_ID = /^[\w.-]+\/[\w.-]+$/;

export type ModelLocation =
  | { readonly kind: 'folder'; readonly dir: string }
  | { readonly kind: 'hub'; readonly id: string; readonly cacheDir: string; readonly allowRemote: boolean };

export interface LocateOptions {
  /** Folder of hub downloads; `.cache/hub` of the project by default. */
  readonly hubCacheDir?: string;
  /** Download hub models that are not in the cache (default true). */
  readonly allowRemote?: boolean;
}

/** An existing folder is a folder; else an `owner/name` is a hub id; else a folder that is missing. */
export function locateModel(model: string, options: LocateOptions = {}): ModelLocation {
  const dir = resolve(model);
  if (isDirectory(dir)) return { kind: 'folder', dir };
  if (HUB_ID.test(model) && !isAbsolute(model) && !model.startsWith('.')) {
    return { kind: 'hub', id: model, cacheDir: options.hubCacheDir ?? DEFAULT_HUB_CACHE_DIR, allowRemote: options.allowRemote ?? true };
  }
  throw new ModelLoadError(model, existsSync(dir) ? `${dir} is not a folder` : `no such folder ${dir}`);
}

export interface Pretrained {
  readonly model: PreTrainedModel;
  readonly tokenizer: PreTrainedTokenizer;
}

let loading: Promise<unknown> = Promise.resolve();

/**
 * ONNX Runtime's threads when the caller gives none: one on a machine of two cores or fewer (the
 * simulation's own thread needs a core, and a tiny model's operators are too small to split), else
 * its default (one per core).
 */
export function defaultThreads(cores: number = availableParallelism()): number | undefined {
  return cores <= 2 ? 1 : undefined;
}

/**
 * Session options: at most `threads` intra-op threads, and none of them spinning while it waits.
 * NOTE: ONNX Runtime's threads spin between operators by default; on a small shared machine they
 * take the core from the thread that feeds them (measured: a decode step 2–2.5× slower).
 */
export function sessionOptions(threads: number | undefined): Record<string, unknown> {
  return {
    ...(threads === undefined ? {} : { intraOpNumThreads: threads, interOpNumThreads: 1 }),
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/** Loads the model, then its tokenizer (the tokenizer's own errors for a missing folder are unhelpful). `threads` caps ONNX Runtime's threads (by default `defaultThreads()`). */
export function loadPretrained(name: string, where: ModelLocation, threads?: number): Promise<Pretrained> {
  const run = loading.then(() => loadNow(name, where, threads));
  loading = run.catch(() => undefined);
  return run;
}

async function loadNow(name: string, where: ModelLocation, threads: number | undefined): Promise<Pretrained> {
  if (where.kind === 'folder') {
    const missing = REQUIRED_MODEL_FILES.filter((file) => !existsSync(join(where.dir, file)));
    if (missing.length > 0) {
      throw new ModelLoadError(name, `folder ${where.dir} has no ${missing.join(', ')} (a model folder needs ${REQUIRED_MODEL_FILES.join(', ')})`);
    }
  }
  const saved = { allowRemoteModels: env.allowRemoteModels, allowLocalModels: env.allowLocalModels, cacheDir: env.cacheDir };
  const id = where.kind === 'folder' ? where.dir : where.id;
  const options =
    where.kind === 'folder'
      ? {}
      : { cache_dir: where.cacheDir, ...(where.allowRemote ? {} : { local_files_only: true }) };
  try {
    env.allowLocalModels = true;
    env.allowRemoteModels = where.kind === 'hub' && where.allowRemote;
    if (where.kind === 'hub') env.cacheDir = where.cacheDir;
    const session_options = sessionOptions(threads ?? defaultThreads());
    const model = await AutoModelForCausalLM.from_pretrained(id, { ...options, dtype: 'fp32', device: 'cpu', session_options });
    const tokenizer = await AutoTokenizer.from_pretrained(id, options);
    return { model, tokenizer };
  } catch (error) {
    throw new ModelLoadError(name, explain(error, where), { cause: error });
  } finally {
    env.allowRemoteModels = saved.allowRemoteModels;
    env.allowLocalModels = saved.allowLocalModels;
    env.cacheDir = saved.cacheDir;
  }
}

/** The reason of a failed load, in one line. */
function explain(error: unknown, where: ModelLocation): string {
  const network = findNetworkCause(error);
  if (network !== null) return `the Hugging Face hub is unreachable (${network}); ${OFFLINE_HINT}`;
  const message = firstLine(error);
  if (error instanceof ModelFileNotFoundError) {
    // NOTE: for a hub id the path in transformers.js' message is its own models folder inside
    // node_modules, which would mislead: the hub cache is where the file was looked for.
    if (where.kind === 'hub') return `not in the hub cache ${where.cacheDir} and remote loading is off; allow remote loading, or ${OFFLINE_HINT}`;
    const path = /"([^"]+)"/.exec(message)?.[1];
    return path === undefined ? message : `file ${path} not found`;
  }
  return message;
}

/** "fetch failed: ENOTFOUND huggingface.co" when some cause in the chain is a network error. */
function findNetworkCause(error: unknown): string | null {
  let fetchFailed = false;
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const { code, hostname } = e as NodeJS.ErrnoException & { hostname?: string };
    if (code !== undefined && NETWORK_CODES.has(code)) {
      return `${fetchFailed ? 'fetch failed: ' : ''}${code}${hostname === undefined ? '' : ` ${hostname}`}`;
    }
    if (e.message === 'fetch failed') fetchFailed = true;
  }
  return null;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

// A sweep's folder: each configuration's result in configurations/KEY.json, written atomically
// (a temporary file renamed into place), so a run that is killed leaves whole results or none, and
// a rerun — or another shard writing into the same shared volume — finds exactly what is done.

import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { IdealSummary } from '../metrics/ideal-reuse.ts';
import { formatJson } from '../report/json-format.ts';
import type { ResultsRun } from '../report/results.ts';
import { SweepError } from './errors.ts';
import type { Configuration } from './sweep-configurations.ts';
import type { Level } from './sweep-file.ts';

/** Bumped when a field is renamed or removed: results stored under another version are run again. */
export const STORED_VERSION = 1;
const FOLDER = 'configurations';

/** One configuration's result, as stored. */
export interface StoredConfiguration {
  readonly version: typeof STORED_VERSION;
  readonly key: string;
  readonly scenario: string;
  readonly levels: Readonly<Record<string, Level>>;
  readonly args: Readonly<Record<string, Level | readonly Level[]>>;
  /** The run as results.json holds it (rounded the same way). */
  readonly run: ResultsRun;
  readonly ideal: IdealSummary;
  /** Host time of the run, ms. */
  readonly wallMs: number;
}

/** Writes a configuration's result into `dir`, atomically; returns its path. */
export async function storeConfiguration(dir: string, stored: StoredConfiguration): Promise<string> {
  await mkdir(join(dir, FOLDER), { recursive: true });
  const path = join(dir, FOLDER, `${stored.key}.json`);
  await writeFileAtomic(path, `${formatJson(stored)}\n`);
  return path;
}

/** The stored results in `dir` of these configurations, by key (those not yet run are absent). */
export async function readStored(dir: string, configurations: readonly Configuration[]): Promise<Map<string, StoredConfiguration>> {
  const wanted = new Set(configurations.map((c) => c.key));
  let names: string[];
  try {
    names = await readdir(join(dir, FOLDER));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const stored = new Map<string, StoredConfiguration>();
  for (const name of names) {
    const key = name.replace(/\.json$/, '');
    if (!name.endsWith('.json') || !wanted.has(key)) continue; // another sweep's, or a temporary file
    const path = join(dir, FOLDER, name);
    let value: StoredConfiguration;
    try {
      value = JSON.parse(await readFile(path, 'utf8')) as StoredConfiguration;
    } catch (error) {
      throw new SweepError(`${path}: not a stored configuration (${(error as Error).message}); delete it to run that configuration again`);
    }
    if (value.version === STORED_VERSION && value.key === key) stored.set(key, value);
  }
  return stored;
}

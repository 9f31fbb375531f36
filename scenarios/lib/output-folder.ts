// `--out` checked before anything runs: a run that simulates for minutes and then cannot write
// its results has wasted them. The folder is created if needed and a probe file written and removed.

import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsReason, SimulatorError } from '../../src/errors.ts';

/** The results folder cannot be created or written to; the message names it and why. */
export class OutputFolderError extends SimulatorError {
  override readonly name = 'OutputFolderError';
}

/** What the common reasons mean for a results folder. */
const WHY: Readonly<Record<string, string>> = {
  EEXIST: 'a file is there, not a folder',
  ENOTDIR: 'a file is in the way on that path',
  ENOENT: 'it cannot be created there',
};

/**
 * `mkdir -p`, one level at a time. NOTE: not `mkdir(dir, { recursive: true })`, which never
 * returns for a path under /proc on Linux (Node 20 retries ENOENT there forever).
 */
async function makeFolder(dir: string): Promise<void> {
  try {
    await madeOrThere(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw error;
    await makeFolder(dirname(dir));
    await madeOrThere(dir); // once: under /proc, ENOENT comes back even when the parent is there
  }
}

/** mkdir, content with a folder already there (another run may create it at the same moment). */
async function madeOrThere(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(dir)).isDirectory()) return;
    throw error;
  }
}

let probes = 0;

/** Creates `dir` if needed and checks that files can be written into it. */
export async function checkOutputFolder(dir: string, flag = '--out'): Promise<void> {
  const probe = join(dir, `.write-check-${process.pid}-${++probes}`);
  try {
    await makeFolder(dir);
    await writeFile(probe, '');
    await rm(probe);
  } catch (error) {
    throw new OutputFolderError(`${flag} ${dir}: cannot write results there (${fsReason(error, WHY)})`);
  }
}

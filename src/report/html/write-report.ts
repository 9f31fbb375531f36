// report.html on disk: written whole or not at all, as every output of a run.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

export const REPORT_FILE = 'report.html';

/** Writes `html` as `dir`/report.html (atomically: a failure leaves the old file or none); returns its path. */
export async function writeReport(dir: string, html: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, REPORT_FILE);
  await writeFileAtomic(path, html);
  return path;
}

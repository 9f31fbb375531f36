// Document pools for RAG: a built-in corpus generated from a seed, or a folder of .txt files.

import { readdirSync, readFileSync } from 'node:fs';
import { fsReason } from '../errors.ts';
import { join } from 'node:path';
import { drawLength, type LengthSpec } from './lengths.ts';
import { WorkloadOptionError } from './option-checks.ts';
import { streamPrng } from './seeds.ts';
import { createTextGenerator } from './text-gen.ts';

/** A named document of plain text. */
export interface TextDocument {
  readonly name: string;
  readonly text: string;
}

export interface CorpusOptions {
  readonly seed: number;
  /** Number of documents (default 40). */
  readonly documents?: number;
  /** Paragraphs per document (default 4 to 8). */
  readonly paragraphs?: LengthSpec;
}

/** A deterministic corpus of English-like documents ('doc-01' …), paragraphs separated by blank lines. */
export function generateCorpus(options: CorpusOptions): TextDocument[] {
  const { seed, documents = 40, paragraphs = { min: 4, max: 8 } } = options;
  const random = streamPrng(seed, 'corpus');
  const text = createTextGenerator(random);
  const width = String(documents).length;
  return Array.from({ length: documents }, (_, d) => ({
    name: `doc-${String(d + 1).padStart(Math.max(2, width), '0')}`,
    text: Array.from({ length: drawLength(paragraphs, random) }, () => text.paragraph()).join('\n\n'),
  }));
}

/** The .txt files of a folder, read synchronously and sorted by name (code-unit order, not locale order). */
export function loadTextFolder(path: string): TextDocument[] {
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch (error) {
    throw new WorkloadOptionError(`folder '${path}': cannot read the documents: ${fsReason(error, { ENOENT: 'no such folder', ENOTDIR: 'a file, not a folder' })}`);
  }
  const names = entries
    .filter((name) => name.toLowerCase().endsWith('.txt'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) throw new WorkloadOptionError(`folder '${path}' holds no .txt files; give a folder of plain-text documents`);
  return names.map((name) => ({ name, text: readFileSync(join(path, name), 'utf8') }));
}

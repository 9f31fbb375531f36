import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCorpus, loadTextFolder } from '../../src/workload/corpus.ts';
import { WorkloadOptionError } from '../../src/workload/option-checks.ts';
import { createPrng } from '../../src/prng.ts';
import { createTextGenerator, thirdPerson } from '../../src/workload/text-gen.ts';

describe('generateCorpus', () => {
  it('is deterministic per seed', () => {
    expect(generateCorpus({ seed: 1 })).toEqual(generateCorpus({ seed: 1 }));
    expect(generateCorpus({ seed: 2 })).not.toEqual(generateCorpus({ seed: 1 }));
  });

  it('makes named documents of blank-line-separated paragraphs of sentences', () => {
    const docs = generateCorpus({ seed: 1, documents: 3, paragraphs: 2 });
    expect(docs.map((d) => d.name)).toEqual(['doc-01', 'doc-02', 'doc-03']);
    for (const doc of docs) {
      const paragraphs = doc.text.split('\n\n');
      expect(paragraphs).toHaveLength(2);
      for (const p of paragraphs) expect(p).toMatch(/^([A-Z][a-z ,]+\. ?)+$/);
    }
  });
});

describe('createTextGenerator', () => {
  it('writes questions and exact word counts', () => {
    const text = createTextGenerator(createPrng(3));
    expect(text.question()).toMatch(/^[A-Z][a-z ]+\?$/);
    expect(text.words(37).split(' ')).toHaveLength(37);
  });

  it('inflects verbs for the third person', () => {
    expect(['carry', 'reach', 'fix', 'store', 'play'].map(thirdPerson)).toEqual(['carries', 'reaches', 'fixes', 'stores', 'plays']);
  });
});

describe('loadTextFolder', () => {
  it('reads the .txt files of a folder in code-unit order of their names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
    try {
      for (const name of ['b.txt', 'B.txt', 'a.TXT', 'ä.txt', 'skip.md']) writeFileSync(join(dir, name), name);
      expect(loadTextFolder(dir).map((d) => [d.name, d.text])).toEqual([
        ['B.txt', 'B.txt'],
        ['a.TXT', 'a.TXT'],
        ['b.txt', 'b.txt'],
        ['ä.txt', 'ä.txt'],
      ]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('names a folder that is not there, or is a file, in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
    try {
      writeFileSync(join(dir, 'a-file'), 'x');
      expect(() => loadTextFolder(join(dir, 'nope'))).toThrow(new WorkloadOptionError(`folder '${join(dir, 'nope')}': cannot read the documents: no such folder`));
      expect(() => loadTextFolder(join(dir, 'a-file'))).toThrow(`folder '${join(dir, 'a-file')}': cannot read the documents: a file, not a folder`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses a folder without .txt files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
    try {
      expect(() => loadTextFolder(dir)).toThrow(WorkloadOptionError);
      expect(() => loadTextFolder(dir)).toThrow(`folder '${dir}' holds no .txt files; give a folder of plain-text documents`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

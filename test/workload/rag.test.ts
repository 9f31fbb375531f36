import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as gpt2Encode } from 'gpt-3-encoder';
import { describe, expect, it } from 'vitest';
import { WorkloadOptionError } from '../../src/workload/option-checks.ts';
import { DEFAULT_RAG_SYSTEM_PROMPT, ragWorkload, type RagOptions, type RagRequest } from '../../src/workload/rag.ts';
import { wordEncode } from './helpers.ts';

const makeRag = (overrides: Partial<RagOptions> = {}): RagRequest[] =>
  ragWorkload({ seed: 7, requests: 400, rate: 20, encode: wordEncode, ...overrides });

/** How many prompts retrieved each chunk, most popular first. */
function popularity(requests: readonly RagRequest[]): number[] {
  const counts = new Map<string, number>();
  for (const r of requests) for (const c of r.chunks) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts.values()].sort((a, b) => b - a);
}

describe('ragWorkload', () => {
  it('is deterministic: the same seed gives identical requests, another seed different ones', () => {
    expect(makeRag()).toEqual(makeRag());
    const other = makeRag({ seed: 8 });
    expect(other.map((r) => r.text)).not.toEqual(makeRag().map((r) => r.text));
    expect(other.map((r) => r.at)).not.toEqual(makeRag().map((r) => r.at));
  });

  it('starts every prompt with the shared system prompt, in text and in tokens', () => {
    const system = wordEncode(`${DEFAULT_RAG_SYSTEM_PROMPT}\n\n`);
    for (const r of makeRag()) {
      expect(r.text!.startsWith(`${DEFAULT_RAG_SYSTEM_PROMPT}\n\n`)).toBe(true);
      expect(r.prompt.slice(0, system.length)).toEqual(system);
    }
  });

  it('builds the prompt from the retrieved chunks in order, then the question', () => {
    const [r] = makeRag({ requests: 1, systemPrompt: 'Be brief.' });
    const sources = [...r!.text!.matchAll(/^Source: (doc-\d+) \(part (\d+)\)$/gm)].map((m) => `${m[1]}#${Number(m[2]) - 1}`);
    expect(sources).toEqual(r!.chunks);
    expect(r!.text).toMatch(/^Be brief\.\n\nSource: [\s\S]*\n\nQuestion: [A-Z][^\n]*\?\nAnswer:$/);
    expect(r!.prompt).toEqual(wordEncode(r!.text!));
  });

  it('retrieves topK distinct chunks per question (4 by default)', () => {
    for (const r of makeRag()) expect(new Set(r.chunks).size).toBe(4);
    for (const r of makeRag({ topK: 2 })) expect(new Set(r.chunks).size).toBe(2);
  });

  it('skews popularity: the most popular chunk recurs far more often than the median one', () => {
    const counts = popularity(makeRag({ requests: 2000 }));
    const median = counts[Math.floor(counts.length / 2)]!;
    expect(counts[0]! / median, `top ${counts[0]}, median ${median}`).toBeGreaterThan(20);
    // With exponent 0 retrieval is uniform: no chunk stands out.
    const flat = popularity(makeRag({ requests: 2000, zipfExponent: 0 }));
    expect(flat[0]! / flat[Math.floor(flat.length / 2)]!).toBeLessThan(3);
  });

  it('spaces arrivals as a Poisson process at the given rate, from the start time', () => {
    const requests = makeRag({ requests: 4000, rate: 50, start: 1000 });
    const at = requests.map((r) => r.at);
    expect(at[0]).toBe(1000);
    expect(at.every((t, i) => i === 0 || t >= at[i - 1]!)).toBe(true);
    const meanGap = (at.at(-1)! - at[0]!) / (at.length - 1);
    expect(meanGap).toBeGreaterThan(19);
    expect(meanGap).toBeLessThan(21);
  });

  it('sets output lengths fixed or from a seeded range, with ignoreEos on by default', () => {
    expect(new Set(makeRag().map((r) => r.maxTokens))).toEqual(new Set([64]));
    const ranged = makeRag({ outputTokens: { min: 10, max: 12 } }).map((r) => r.maxTokens);
    expect(new Set(ranged)).toEqual(new Set([10, 11, 12]));
    expect(makeRag().every((r) => r.ignoreEos === true)).toBe(true);
    const [r] = makeRag({ requests: 1, ignoreEos: false, tenant: 'acme', idPrefix: 'q-' });
    expect([r!.id, r!.tenant, r!.ignoreEos]).toEqual(['q-0', 'acme', false]);
  });

  it('chunks by characters when asked', () => {
    const [r] = makeRag({ requests: 1, chunkUnit: 'chars', chunkSize: 300 });
    const chunkTexts = r!.text!.split('\n\n').slice(1, 5).map((piece) => piece.split('\n')[1]!);
    expect(chunkTexts.every((t) => t.length <= 300)).toBe(true);
  });

  it('reads a folder of .txt files in name order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rag-'));
    try {
      writeFileSync(join(dir, 'b.txt'), 'beta '.repeat(50));
      writeFileSync(join(dir, 'a.txt'), 'alpha '.repeat(50));
      writeFileSync(join(dir, 'notes.md'), 'ignored');
      const requests = makeRag({ corpus: { kind: 'folder', path: dir }, chunkSize: 10, topK: 3 });
      const chunks = new Set(requests.flatMap((r) => r.chunks));
      expect([...chunks].sort()).toEqual([...Array(5).keys()].flatMap((i) => [`a.txt#${i}`, `b.txt#${i}`]).sort());
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('shares the system prompt prefix exactly with the GPT-2 tokenizer too', () => {
    const requests = ragWorkload({ seed: 1, requests: 20, rate: 5, encode: gpt2Encode });
    const system = gpt2Encode(`${DEFAULT_RAG_SYSTEM_PROMPT}\n\n`);
    for (const r of requests) expect(r.prompt.slice(0, system.length)).toEqual(system);
  });

  it('names a bad option', () => {
    expect(() => makeRag({ rate: 0 })).toThrow(WorkloadOptionError);
    expect(() => makeRag({ rate: 0 })).toThrow('rate is 0; expected a finite number > 0');
    expect(() => makeRag({ outputTokens: { min: 5, max: 2 } })).toThrow('outputTokens is [5, 2]; expected min ≤ max');
    expect(() => makeRag({ corpus: { kind: 'documents', documents: [{ name: 'd', text: 'one two three' }] } })).toThrow(
      'topK is 4 but the corpus has only 1 chunk; use smaller chunks or more documents',
    );
  });
});

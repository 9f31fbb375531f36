// A RAG workload: questions over a document pool. Each question retrieves k chunks whose
// popularity is Zipf-skewed, so popular chunks recur across prompts:
//
//   prompt = system prompt ‖ k × ("Source: <doc> (part <i>)\n<chunk>") ‖ "Question: <q>\nAnswer:"
//
// Chunks appear in retrieval order (the first drawn is the most relevant). Arrivals are Poisson.

import { chunkText, type ChunkUnit } from './chunk.ts';
import { generateCorpus, loadTextFolder, type TextDocument } from './corpus.ts';
import { checkLength, drawLength, type LengthSpec } from './lengths.ts';
import { WorkloadOptionError, checkInteger, checkPositive } from './option-checks.ts';
import { createPieceEncoder, joinPieces } from './piece-encoder.ts';
import { poissonArrivals } from './poisson.ts';
import { makeRequest, type CommonOptions, type Encode, type BuiltRequest } from './request.ts';
import { streamPrng } from './seeds.ts';
import { permutation } from './shuffle.ts';
import { createTextGenerator } from './text-gen.ts';
import { createZipfSampler } from './zipf.ts';

/** Where the documents come from. */
export type CorpusSource =
  | { readonly kind: 'builtin'; readonly documents?: number; readonly paragraphs?: LengthSpec }
  | { readonly kind: 'folder'; readonly path: string }
  | { readonly kind: 'documents'; readonly documents: readonly TextDocument[] };

export interface RagOptions extends CommonOptions {
  readonly seed: number;
  /** Number of questions (requests). */
  readonly requests: number;
  /** Poisson arrival rate in requests per second. */
  readonly rate: number;
  readonly encode: Encode;
  /** The document pool (default: the built-in corpus of 40 documents, seeded by `seed`). */
  readonly corpus?: CorpusSource;
  /** Chunk size in `chunkUnit`s (default 100). */
  readonly chunkSize?: number;
  /** 'words' (default) or 'chars'. */
  readonly chunkUnit?: ChunkUnit;
  /** Chunks retrieved per question (default 4). */
  readonly topK?: number;
  /** Zipf exponent of chunk popularity (default 1.1; 0 is uniform). */
  readonly zipfExponent?: number;
  /** The shared system prompt (default DEFAULT_RAG_SYSTEM_PROMPT, extended to `systemPromptWords`). */
  readonly systemPrompt?: string;
  /**
   * Grow the default system prompt with seeded instruction paragraphs to about this many words
   * (real RAG deployments carry long instructions; the shared prefix is what every worker caches).
   */
  readonly systemPromptWords?: number;
  /** Output tokens per request (default 64). */
  readonly outputTokens?: LengthSpec;
  /** Arrival time of the first request in ms (default 0). */
  readonly start?: number;
}

/** A RAG request, with the ids of the chunks it retrieved ('doc-03#7': chunk 7 of doc-03, 0-based). */
export interface RagRequest extends BuiltRequest {
  readonly chunks: readonly string[];
}

export const DEFAULT_RAG_SYSTEM_PROMPT =
  'You are a careful research assistant. Answer the question using only the sources below. ' +
  'Quote the source name for every claim, say so plainly when the sources do not contain the answer, ' +
  'and keep the answer short, exact and free of speculation.';

interface Chunk {
  readonly id: string;
  readonly piece: string;
}

/** The chunks of every document, in document order. */
function chunkCorpus(documents: readonly TextDocument[], size: number, unit: ChunkUnit): Chunk[] {
  return documents.flatMap((doc) =>
    chunkText(doc.text, size, unit).map((text, i) => ({ id: `${doc.name}#${i}`, piece: `Source: ${doc.name} (part ${i + 1})\n${text}\n\n` })),
  );
}

function loadCorpus(source: CorpusSource, seed: number): readonly TextDocument[] {
  switch (source.kind) {
    case 'builtin':
      return generateCorpus({ seed, ...(source.documents === undefined ? {} : { documents: source.documents }), ...(source.paragraphs === undefined ? {} : { paragraphs: source.paragraphs }) });
    case 'folder':
      return loadTextFolder(source.path);
    case 'documents':
      return source.documents;
  }
}

/**
 * `k` distinct ranks in draw order. A rank drawn twice is drawn again; under an extreme exponent
 * (where a rare rank could take millions of draws) the last places go to the most popular ranks
 * not yet taken.
 */
function retrieveRanks(drawRank: () => number, k: number): number[] {
  const taken = new Set<number>();
  for (let draws = 0; taken.size < k && draws < 100 * k; draws++) taken.add(drawRank());
  for (let rank = 0; taken.size < k; rank++) taken.add(rank);
  return [...taken];
}

/** The default system prompt followed by seeded paragraphs, until it holds at least `words` words. */
export function extendedSystemPrompt(words: number, seed: number): string {
  checkInteger('systemPromptWords', words, 0, 1_000_000);
  const text = createTextGenerator(streamPrng(seed, 'system-prompt'));
  const paragraphs = [DEFAULT_RAG_SYSTEM_PROMPT];
  let count = DEFAULT_RAG_SYSTEM_PROMPT.split(/\s+/).length;
  while (count < words) {
    const paragraph = text.paragraph();
    paragraphs.push(paragraph);
    count += paragraph.split(/\s+/).length; // the "\n\n" joint separates, as a space would
  }
  return paragraphs.join('\n\n');
}

/** The requests of a RAG workload: Zipf-popular chunks, a shared system prompt, Poisson arrivals. */
export function ragWorkload(options: RagOptions): RagRequest[] {
  const { seed, requests, rate, encode, corpus = { kind: 'builtin' }, chunkSize = 100, chunkUnit = 'words', topK = 4 } = options;
  const { zipfExponent = 1.1, outputTokens = 64, start = 0, idPrefix = 'rag-' } = options;
  const systemPrompt = options.systemPrompt ?? extendedSystemPrompt(options.systemPromptWords ?? 0, seed);
  checkInteger('requests', requests, 0);
  checkPositive('rate', rate);
  checkInteger('chunkSize', chunkSize, 1);
  checkInteger('topK', topK, 1);
  checkPositive('zipfExponent', zipfExponent, true);
  checkLength('outputTokens', outputTokens);

  const chunks = chunkCorpus(loadCorpus(corpus, seed), chunkSize, chunkUnit);
  if (chunks.length < topK) {
    throw new WorkloadOptionError(`topK is ${topK} but the corpus has only ${chunks.length} chunk${chunks.length === 1 ? '' : 's'}; use smaller chunks or more documents`);
  }
  // Popularity rank → chunk: a seeded order, so the popular chunks are spread over the documents.
  const byRank = permutation(chunks.length, streamPrng(seed, 'popularity'));
  const drawRank = createZipfSampler(chunks.length, zipfExponent, streamPrng(seed, 'retrieval'));
  const questions = createTextGenerator(streamPrng(seed, 'questions'));
  const lengths = streamPrng(seed, 'output-lengths');
  const arrivals = poissonArrivals(requests, rate, streamPrng(seed, 'arrivals'), start);
  const pieces = createPieceEncoder(encode);
  const system = `${systemPrompt}\n\n`;

  return arrivals.map((at, i) => {
    const picked = retrieveRanks(drawRank, topK).map((rank) => chunks[byRank[rank]!]!);
    const question = `Question: ${questions.question()}\nAnswer:`;
    const request = makeRequest({
      id: `${idPrefix}${i}`,
      at,
      prompt: joinPieces([pieces.encode(system, true), ...picked.map((c) => pieces.encode(c.piece, true)), pieces.encode(question)]),
      maxTokens: drawLength(outputTokens, lengths),
      text: system + picked.map((c) => c.piece).join('') + question,
      tenant: options.tenant,
      ignoreEos: options.ignoreEos ?? true,
    });
    return { ...request, chunks: picked.map((c) => c.id) };
  });
}

// Shared system prompts, in the shape of SGLang's generated-shared-prefix benchmark: G groups,
// each with a long system prompt of its own, and P prompts per group that add a short unique
// question to it:
//
//   prompt(g, i) = system prompt of g ‖ question(g, i)
//
// Requests come shuffled across groups (SGLang's order) or group by group; arrivals are Poisson
// at `rate`, or all at once at `start` when no rate is given.

import { checkLength, drawLength, type LengthSpec } from './lengths.ts';
import { checkInteger, checkPositive } from './option-checks.ts';
import { createPieceEncoder, joinPieces } from './piece-encoder.ts';
import { poissonArrivals } from './poisson.ts';
import { makeRequest, type CommonOptions, type Encode, type BuiltRequest } from './request.ts';
import { streamPrng } from './seeds.ts';
import { permutation } from './shuffle.ts';
import { createTextGenerator } from './text-gen.ts';

export interface SharedPrefixOptions extends CommonOptions {
  readonly seed: number;
  /** Number of groups, each with its own system prompt. */
  readonly groups: number;
  /** Prompts per group. */
  readonly promptsPerGroup: number;
  readonly encode: Encode;
  /** Words of each system prompt (default 1,500: about 2,000 GPT-2 tokens, SGLang's 2,048). */
  readonly systemPromptWords?: number;
  /** Words of each question (default 96: about 128 GPT-2 tokens, SGLang's 128). */
  readonly questionWords?: LengthSpec;
  /** Output tokens per request (default 256, SGLang's). */
  readonly outputTokens?: LengthSpec;
  /** Poisson arrival rate in requests per second; without it every request arrives at `start`. */
  readonly rate?: number;
  /** 'shuffled' across groups (default) or 'grouped' (all of group 0, then group 1, ...). */
  readonly order?: 'shuffled' | 'grouped';
  /** Arrival time of the first request in ms (default 0). */
  readonly start?: number;
}

/** A shared-prefix request and the group whose system prompt it starts with. */
export interface SharedPrefixRequest extends BuiltRequest {
  readonly group: number;
}

/** The requests of a shared-system-prompt workload: G groups × P prompts, each = group prefix + own question. */
export function sharedPrefixWorkload(options: SharedPrefixOptions): SharedPrefixRequest[] {
  const { seed, groups, promptsPerGroup, encode, systemPromptWords = 1500, questionWords = 96, outputTokens = 256 } = options;
  const { rate, order = 'shuffled', start = 0, idPrefix = 'sp-' } = options;
  checkInteger('groups', groups, 1);
  checkInteger('promptsPerGroup', promptsPerGroup, 1);
  checkInteger('systemPromptWords', systemPromptWords, 1);
  checkLength('questionWords', questionWords);
  checkLength('outputTokens', outputTokens);
  if (rate !== undefined) checkPositive('rate', rate);

  const pieces = createPieceEncoder(encode);
  const prefixText = createTextGenerator(streamPrng(seed, 'system-prompts'));
  const systems = Array.from({ length: groups }, () => `${prefixText.words(systemPromptWords)}\n\n`);
  const questionText = createTextGenerator(streamPrng(seed, 'questions'));
  const questionLengths = streamPrng(seed, 'question-lengths');
  const lengths = streamPrng(seed, 'output-lengths');

  // Slot s of the grouped order is prompt (s mod P) of group ⌊s / P⌋.
  const total = groups * promptsPerGroup;
  const slots = order === 'grouped' ? Array.from({ length: total }, (_, s) => s) : permutation(total, streamPrng(seed, 'order'));
  const arrivals = rate === undefined ? slots.map(() => start) : poissonArrivals(total, rate, streamPrng(seed, 'arrivals'), start);
  // Questions and lengths are drawn in grouped order, so the order option never changes a prompt.
  const bodies = Array.from({ length: total }, () => ({
    question: `${questionText.words(drawLength(questionWords, questionLengths))}?`,
    maxTokens: drawLength(outputTokens, lengths),
  }));

  return slots.map((slot, i) => {
    const group = Math.floor(slot / promptsPerGroup);
    const system = systems[group]!;
    const { question, maxTokens } = bodies[slot]!;
    const request = makeRequest({
      id: `${idPrefix}${group}-${slot % promptsPerGroup}`,
      at: arrivals[i]!,
      prompt: joinPieces([pieces.encode(system, true), pieces.encode(question)]),
      maxTokens,
      text: system + question,
      tenant: options.tenant,
      ignoreEos: options.ignoreEos ?? true,
    });
    return { ...request, group };
  });
}

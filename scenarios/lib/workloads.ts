// Each scenario's workload, built from its parsed flags alone: the main process builds it to run
// the strategies one after another, and each worker thread of `--jobs N` builds it again from the
// same flags (plain data), so both run the identical request stream.

import { basename } from 'node:path';
import { ModelError } from '../../src/model/errors.ts';
import { loadTokenSource } from '../../src/model/load-token-source.ts';
import type { TokenSource } from '../../src/model/token-source.ts';
import type { JsonObject } from '../../src/report/config.ts';
import { chatSessions } from '../../src/workload/chat.ts';
import { closedLoop, openLoop, type WorkloadDriver } from '../../src/workload/driver.ts';
import { readMooncakeTrace } from '../../src/workload/mooncake.ts';
import { ragWorkload } from '../../src/workload/rag.ts';
import { sharedPrefixWorkload } from '../../src/workload/shared-prefix.ts';
import type { CommonOptions } from './options.ts';

export interface RagFlags extends CommonOptions {
  readonly rate: number;
  readonly docs?: string;
  readonly topK: number;
  readonly zipf: number;
  readonly chunkWords: number;
  readonly outputTokens: number;
  readonly systemWords: number;
}

export interface ChatFlags extends CommonOptions {
  readonly sessions: number;
  readonly turns: number;
  readonly thinkMs: number;
  readonly sessionRate: number;
  readonly outputTokens: number;
}

export interface SharedPrefixFlags extends CommonOptions {
  readonly groups: number;
  readonly promptsPerGroup: number;
  readonly systemWords: number;
  readonly rate: number;
  readonly outputTokens: number;
}

export interface ReplayFlags extends CommonOptions {
  /** The trace file (the command's argument). */
  readonly trace: string;
  readonly blocksPerId: number;
  readonly outputScale?: number;
  readonly timeScale: number;
  readonly limit?: number;
  readonly concurrency?: number;
  readonly skipBadLines: boolean;
}

export interface ScenarioFlags {
  readonly rag: RagFlags;
  readonly chat: ChatFlags;
  readonly 'shared-prefix': SharedPrefixFlags;
  readonly replay: ReplayFlags;
}

export type ScenarioName = keyof ScenarioFlags;

export interface Workload {
  readonly tokens: TokenSource;
  /** A fresh driver over the same requests, for each run. */
  readonly driver: () => WorkloadDriver;
  /** The scenario's settings, written to results.json. */
  readonly config: JsonObject;
  /** Something the user should hear about the input (one line), e.g. skipped trace lines. */
  readonly notice?: string;
}

/** The model named by --model, with a tokenizer (these scenarios' prompts are text). */
async function textModel(flags: CommonOptions, threads: number | undefined): Promise<TokenSource & { encode(text: string): number[] }> {
  const source = await loadTokenSource(flags.model, { seed: flags.model === 'dummy' ? flags.seed : 0, ...(threads === undefined ? {} : { threads }) });
  if (source.encode === undefined) throw new ModelError(`model '${flags.model}' has no tokenizer, and this scenario's prompts are text`);
  return source as TokenSource & { encode(text: string): number[] };
}

type Builder<S extends ScenarioName> = (flags: ScenarioFlags[S], threads: number | undefined) => Promise<Workload>;

const BUILDERS: { readonly [S in ScenarioName]: Builder<S> } = {
  async rag(flags, threads) {
    const tokens = await textModel(flags, threads);
    const requests = ragWorkload({
      seed: flags.seed,
      requests: flags.requests,
      rate: flags.rate,
      encode: (text) => tokens.encode(text),
      ...(flags.docs === undefined ? {} : { corpus: { kind: 'folder' as const, path: flags.docs } }),
      topK: flags.topK,
      zipfExponent: flags.zipf,
      chunkSize: flags.chunkWords,
      systemPromptWords: flags.systemWords,
      outputTokens: flags.outputTokens,
    });
    return {
      tokens,
      driver: () => openLoop(requests),
      config: {
        requests: flags.requests,
        ratePerSecond: flags.rate,
        corpus: flags.docs === undefined ? 'built-in' : 'folder',
        topK: flags.topK,
        zipfExponent: flags.zipf,
        chunkWords: flags.chunkWords,
        systemWords: flags.systemWords,
        outputTokens: flags.outputTokens,
      },
    };
  },

  async chat(flags, threads) {
    const tokens = await textModel(flags, threads);
    return {
      tokens,
      driver: () =>
        chatSessions({
          seed: flags.seed,
          sessions: flags.sessions,
          turns: flags.turns,
          encode: (text) => tokens.encode(text),
          thinkTimeMs: { min: Math.round(flags.thinkMs * 0.5), max: Math.round(flags.thinkMs * 1.5) },
          sessionRate: flags.sessionRate,
          outputTokens: flags.outputTokens,
        }),
      config: {
        sessions: flags.sessions,
        turns: flags.turns,
        thinkMs: flags.thinkMs,
        sessionRatePerSecond: flags.sessionRate,
        outputTokens: flags.outputTokens,
      },
    };
  },

  async 'shared-prefix'(flags, threads) {
    const tokens = await textModel(flags, threads);
    const requests = sharedPrefixWorkload({
      seed: flags.seed,
      groups: flags.groups,
      promptsPerGroup: flags.promptsPerGroup,
      encode: (text) => tokens.encode(text),
      systemPromptWords: flags.systemWords,
      rate: flags.rate,
      outputTokens: flags.outputTokens,
    });
    return {
      tokens,
      driver: () => openLoop(requests),
      config: {
        groups: flags.groups,
        promptsPerGroup: flags.promptsPerGroup,
        systemWords: flags.systemWords,
        ratePerSecond: flags.rate,
        outputTokens: flags.outputTokens,
      },
    };
  },

  async replay(flags, threads) {
    const trace = readMooncakeTrace(flags.trace, {
      blocksPerId: flags.blocksPerId,
      timeScale: flags.timeScale,
      skipBadLines: flags.skipBadLines,
      ...(flags.outputScale === undefined ? {} : { outputScale: flags.outputScale }),
      ...(flags.limit === undefined && flags.requests === Number.MAX_SAFE_INTEGER ? {} : { limit: Math.min(flags.limit ?? Infinity, flags.requests) }),
    });
    // A trace's prompts are token ids and nothing reads the answers' text: the dummy decodes none.
    const tokens = await loadTokenSource(flags.model, { seed: flags.model === 'dummy' ? flags.seed : 0, text: false, ...(threads === undefined ? {} : { threads }) });
    const requests = trace.requests;
    const first = trace.skipped[0];
    return {
      tokens,
      driver: flags.concurrency === undefined ? () => openLoop(requests) : () => closedLoop(requests, { concurrency: flags.concurrency! }),
      ...(first === undefined ? {} : { notice: `skipped ${trace.skipped.length} malformed lines (first: line ${first.line}: ${first.reason})` }),
      config: {
        trace: basename(flags.trace),
        requests: requests.length,
        skippedLines: trace.skipped.length,
        blocksPerId: flags.blocksPerId,
        outputScale: flags.outputScale ?? (flags.blocksPerId * 16) / 512,
        timeScale: flags.timeScale,
        concurrency: flags.concurrency ?? 'open loop',
      },
    };
  },
};

export const SCENARIO_NAMES = Object.keys(BUILDERS) as readonly ScenarioName[];

/** The workload of `scenario` for these flags; `threads` caps the model's ONNX Runtime threads. */
export function buildWorkload<S extends ScenarioName>(scenario: S, flags: ScenarioFlags[S], threads?: number): Promise<Workload> {
  return (BUILDERS[scenario] as Builder<S>)(flags, threads);
}

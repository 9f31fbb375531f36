import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/actors/cluster.ts';
import { LLAMA2_13B_A100_40GB } from '../../src/cache/capacity.ts';
import { rooflineLatency, type Step } from '../../src/latency-model.ts';
import { ofType, perRequest, prompt, runCluster } from './cluster-harness.ts';

const roofline = rooflineLatency(LLAMA2_13B_A100_40GB);

/** A step of `sequences` decoding sequences, each holding `context` tokens. */
const decode = (sequences: number, context: number): Step => ({
  kind: 'decode', prefillTokens: 0, prefillBlocks: 0, sequences, contextLengths: Array.from({ length: sequences }, () => context),
  attendedTokens: sequences * context, attentionPairs: sequences * context,
});

/** A prefill step of `sequences` prompts of `tokens` tokens each, nothing cached. */
const prefill = (sequences: number, tokens: number): Step => ({
  kind: 'prefill', prefillTokens: sequences * tokens, prefillBlocks: sequences * Math.ceil(tokens / 16), sequences,
  contextLengths: Array.from({ length: sequences }, () => tokens), attendedTokens: sequences * tokens, attentionPairs: (sequences * tokens * (tokens + 1)) / 2,
});

/** The times of the decode steps after a prefill ending at `start`: step j reads the prompt and j − 1 tokens. */
function decodeTimes(start: number, sequences: number, promptTokens: number, steps: number): number[] {
  const times: number[] = [];
  let at = start;
  for (let j = 1; j <= steps; j++) times.push((at += roofline.stepMs(decode(sequences, promptTokens + j - 1))));
  return times;
}

describe('createCluster under the roofline latency model', () => {
  for (const mode of ['segments', 'steps'] as const) {
    it(`times a request alone exactly as the formula states, step by step (${mode})`, async () => {
      const { messages } = await runCluster({ workers: 2, latency: 'roofline', decode: mode }, [{ id: 'a', at: 100, prompt: prompt(100), maxTokens: 10 }]);
      const prefilled = 100 + roofline.stepMs(prefill(1, 100));
      const steps = decodeTimes(prefilled, 1, 100, 10);
      const a = perRequest(messages)['a']!;
      expect(a.tokens.map(([, at]) => at)).toEqual(steps);
      expect(a.completed).toBe(steps[9]);
      expect(ofType(messages, 'REQUEST.PREFILLED')[0]?.at).toBe(prefilled);
    });

    it(`times a batch of equal sequences exactly as the formula states (${mode})`, async () => {
      const requests = [1, 2, 3].map((i) => ({ id: `r${i}`, at: 0, prompt: prompt(64, i), maxTokens: 5 }));
      const { messages } = await runCluster({ workers: 1, latency: 'roofline', decode: mode }, requests);
      const steps = decodeTimes(roofline.stepMs(prefill(3, 64)), 3, 64, 5);
      for (const id of ['r1', 'r2', 'r3']) expect(perRequest(messages)[id]!.tokens.map(([, at]) => at), id).toEqual(steps);
    });
  }

  it('makes decode steps longer as the batch and its contexts grow, unlike the seed', async () => {
    const lastStep = (messages: Parameters<typeof perRequest>[0], id: string): number => {
      const times = perRequest(messages)[id]!.tokens.map(([, at]) => at);
      return times.at(-1)! - times.at(-2)!;
    };
    const options = { workers: 1, latency: 'roofline', maxBatchedTokens: 10_000 } as const;
    const alone = await runCluster(options, [{ id: 'a', at: 0, prompt: prompt(800), maxTokens: 3 }]);
    const batch = await runCluster(options, Array.from({ length: 12 }, (_, i) => ({ id: `r${i}`, at: 0, prompt: prompt(800, i + 1), maxTokens: 3 })));
    expect(lastStep(batch.messages, 'r0')).toBeGreaterThan(lastStep(alone.messages, 'a') + 4); // 11 × 802 tokens of KV more
    expect(lastStep(batch.messages, 'r0')).toBe(roofline.stepMs(decode(12, 802)));
  });
});

describe('createCluster: batch limits', () => {
  for (const mode of ['segments', 'steps'] as const) {
    it(`prefills a prompt larger than the token budget in chunks, each step costing its own blocks (${mode})`, async () => {
      // 100 tokens at 32 per step: chunks of 32, 32, 32, 4 tokens compute 2, 2, 2, 1 blocks.
      const { messages } = await runCluster({ workers: 1, maxBatchedTokens: 32, decode: mode }, [{ id: 'a', at: 100, prompt: prompt(100), maxTokens: 10 }]);
      expect(ofType(messages, 'REQUEST.PREFILLED')[0]?.at).toBe(100 + 4 * 5 + 2.5 * 7);
      expect(ofType(messages, 'REQUEST.COMPLETED')[0]?.at).toBe(100 + 4 * 5 + 2.5 * 7 + 15 * 10);
    });

    it(`runs one decode step between two chunks while another request decodes (${mode})`, async () => {
      const { messages } = await runCluster({ workers: 1, maxBatchedTokens: 32, decode: mode }, [
        { id: 'a', at: 0, prompt: prompt(32, 1), maxTokens: 30 },
        { id: 'b', at: 101, prompt: prompt(100, 2), maxTokens: 2 },
      ]);
      // a: prefill 0 → 10, decode steps every 15 ms; b arrives at 101 and waits for the step
      // ending at 115; then chunk (10 ms), decode (15), chunk, decode, chunk, decode, last chunk (7.5).
      expect(ofType(messages, 'REQUEST.PREFILLED').find((m) => m.requestId === 'b')?.at).toBe(197.5);
      const a = perRequest(messages)['a']!.tokens.map(([, at]) => at);
      expect(a.filter((t) => t > 115 && t <= 197.5)).toEqual([140, 165, 190]);
      expect(ofType(messages, 'REQUEST.COMPLETED')).toHaveLength(2);
    });
  }

  it('admits no more running sequences than maxRunning: the second waits for the first to finish', async () => {
    const { messages } = await runCluster({ workers: 1, maxRunning: 1 }, [
      { id: 'a', at: 0, prompt: prompt(32, 1), maxTokens: 3 },
      { id: 'b', at: 0, prompt: prompt(32, 2), maxTokens: 3 },
    ]);
    const done = perRequest(messages);
    expect(done['a']!.completed).toBe(10 + 45);
    expect(ofType(messages, 'REQUEST.ADMITTED').find((m) => m.requestId === 'b')?.at).toBe(55);
    expect(done['b']!.completed).toBe(55 + 10 + 45);
  });

  it('applies vLLM’s token budget under roofline by default, and none under the seed', async () => {
    const request = [{ id: 'a', at: 0, prompt: prompt(5_000), maxTokens: 1 }];
    const seed = await runCluster({ workers: 1 }, request);
    expect(seed.messages.filter((m) => m.type === 'WORKER.STATE' && m.state === 'prefill')).toHaveLength(1);
    const budgeted = await runCluster({ workers: 1, latency: 'roofline' }, request);
    // 5,000 tokens at 2,048 per step: three prefill steps back to back, nothing else running.
    const prefilled = ofType(budgeted.messages, 'REQUEST.PREFILLED')[0]!.at;
    const chunk = (tokens: number, before: number): number =>
      roofline.stepMs({ kind: 'prefill', prefillTokens: tokens, prefillBlocks: 0, sequences: 1, contextLengths: [before + tokens], attendedTokens: before + tokens, attentionPairs: tokens * before + (tokens * (tokens + 1)) / 2 });
    expect(prefilled).toBe(chunk(2_048, 0) + chunk(2_048, 2_048) + chunk(904, 4_096));
  });

  it('names a bad latency option or batch limit', () => {
    expect(() => createCluster({ latency: 'fast' as 'seed', maxBatchedTokens: 0, maxRunning: 1.5 })).toThrow(
      /latency: expected seed or roofline, a function of the step.*\n.*maxRunning.*\n.*maxBatchedTokens/s,
    );
  });
});

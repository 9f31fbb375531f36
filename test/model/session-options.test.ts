import { describe, expect, it } from 'vitest';
import { defaultThreads, sessionOptions } from '../../src/model/load-pretrained.ts';

describe('ONNX Runtime session options', () => {
  it('gives one thread on a machine of two cores or fewer, else leaves the default (one per core)', () => {
    expect([1, 2, 3, 8].map((cores) => defaultThreads(cores))).toEqual([1, 1, undefined, undefined]);
  });

  it('never lets the threads spin, with or without a thread cap', () => {
    const noSpinning = { extra: { session: { intra_op: { allow_spinning: '0' } } } };
    expect(sessionOptions(undefined)).toEqual(noSpinning);
    expect(sessionOptions(1)).toEqual({ intraOpNumThreads: 1, interOpNumThreads: 1, ...noSpinning });
  });
});

import { describe, expect, it } from 'vitest';
import { gatherRows, rowLength, rowValues, type KvBatch } from '../../src/model/kv-batch.ts';

/**
 * A batch with one tensor 'k' of 2 heads × headDim 1 whose row r has its own values at
 * positions [pads[r], length): value = 100·(r+1) + 10·head + own position (1-based); padding 0.
 */
function makeBatch(pads: number[], length: number): KvBatch {
  const heads = 2;
  const data = new Float32Array(pads.length * heads * length);
  pads.forEach((pad, r) => {
    for (let h = 0; h < heads; h++) {
      for (let t = pad; t < length; t++) data[(r * heads + h) * length + t] = 100 * (r + 1) + 10 * h + (t - pad + 1);
    }
  });
  return { tensors: new Map([['k', { data, heads, headDim: 1 }]]), rows: pads.length, length, pads };
}

const values = (batch: KvBatch): number[] => [...batch.tensors.get('k')!.data];

describe('gatherRows', () => {
  it('right-aligns the chosen rows to the longest and pads the others with zeros on the left', () => {
    const batch = makeBatch([0, 2], 3);
    const gathered = gatherRows([
      { batch, row: 1 },
      { batch, row: 0 },
    ]);
    expect(gathered).toMatchObject({ rows: 2, length: 3, pads: [2, 0] });
    // row 0 ← old row 1 (one own position), row 1 ← old row 0 (three).
    expect(values(gathered)).toEqual([0, 0, 201, 0, 0, 211, 101, 102, 103, 111, 112, 113]);
  });

  it('drops padding no row needs any more', () => {
    const batch = makeBatch([3, 1], 5);
    const gathered = gatherRows([{ batch, row: 0 }]);
    expect(gathered).toMatchObject({ rows: 1, length: 2, pads: [0] });
    expect(values(gathered)).toEqual([101, 102, 111, 112]);
    expect(rowLength({ batch, row: 1 })).toBe(4);
  });

  it('takes rows from several batches', () => {
    const a = makeBatch([0], 2);
    const b = makeBatch([1, 0], 4);
    const gathered = gatherRows([
      { batch: b, row: 1 },
      { batch: a, row: 0 },
      { batch: b, row: 0 },
    ]);
    expect(gathered.pads).toEqual([0, 2, 1]);
    expect(rowValues({ batch: gathered, row: 1 }, 'k')).toEqual(rowValues({ batch: a, row: 0 }, 'k'));
    expect(rowValues({ batch: gathered, row: 2 }, 'k')).toEqual(Float32Array.from([101, 102, 103, 111, 112, 113]));
  });

  it('refuses to gather nothing', () => {
    expect(() => gatherRows([])).toThrow('gatherRows needs at least one row');
  });
});

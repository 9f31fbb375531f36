import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { inSchemaOrder } from '../../src/report/schema-order.ts';

const schema = z.strictObject({
  b: z.number(),
  a: z.array(z.strictObject({ y: z.number(), x: z.string() })),
  r: z.record(z.string(), z.number()),
});

describe('inSchemaOrder', () => {
  it('writes every object’s keys in the order of its schema, at every depth', () => {
    const value = { r: { z: 1, a: 2 }, a: [{ x: 'p', y: 1 }], b: 3 };
    const ordered = inSchemaOrder(schema, value);
    expect(JSON.stringify(ordered)).toBe('{"b":3,"a":[{"y":1,"x":"p"}],"r":{"z":1,"a":2}}');
  });

  it('leaves out keys the schema does not name, so a builder may spread a larger object', () => {
    const value = { b: 1, a: [], r: {}, extra: true };
    expect(Object.keys(inSchemaOrder(schema, value))).toEqual(['b', 'a', 'r']);
  });
});

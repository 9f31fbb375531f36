// The past keys and values of a batch of sequences, as a decoder's `past_key_values.*` inputs take
// them: per name a float32 [rows, heads, length, headDim] block in which row r's own K/V fill the
// time positions [pads[r], length) and the positions before are left padding (zeros, masked out by
// the attention mask). Right-aligned rows let sequences of different lengths share one forward.

/** One cache tensor of a batch, e.g. 'past_key_values.0.key'. */
export interface KvTensor {
  readonly data: Float32Array;
  readonly heads: number;
  readonly headDim: number;
}

export interface KvBatch {
  /** By input name, in the model's order. */
  readonly tensors: ReadonlyMap<string, KvTensor>;
  readonly rows: number;
  /** The padded time length shared by all rows. */
  readonly length: number;
  /** Left padding of each row: its own K/V start at `pads[r]`. */
  readonly pads: readonly number[];
}

/** A row of an existing batch. */
export interface KvRow {
  readonly batch: KvBatch;
  readonly row: number;
}

/** Cached positions of a row (its sequence's K/V length). */
export function rowLength(r: KvRow): number {
  return r.batch.length - r.batch.pads[r.row]!;
}

/**
 * A new batch holding the given rows in order, right-aligned to the longest of them, without any
 * of the old padding. Cost: one copy of every cached value of the chosen rows.
 */
export function gatherRows(rows: readonly KvRow[]): KvBatch {
  if (rows.length === 0) throw new RangeError('gatherRows needs at least one row');
  const lengths = rows.map(rowLength);
  const length = Math.max(...lengths);
  const pads = lengths.map((l) => length - l);
  const tensors = new Map<string, KvTensor>();
  for (const [name, first] of rows[0]!.batch.tensors) {
    const { heads, headDim } = first;
    const data = new Float32Array(rows.length * heads * length * headDim);
    rows.forEach(({ batch, row }, b) => {
      const source = batch.tensors.get(name);
      if (source === undefined || source.heads !== heads || source.headDim !== headDim) {
        throw new RangeError(`cache tensor '${name}' differs between the batches being gathered`);
      }
      const own = lengths[b]! * headDim;
      for (let h = 0; h < heads; h++) {
        const from = ((row * heads + h) * batch.length + batch.pads[row]!) * headDim;
        const to = ((b * heads + h) * length + pads[b]!) * headDim;
        data.set(source.data.subarray(from, from + own), to);
      }
    });
    tensors.set(name, { data, heads, headDim });
  }
  return { tensors, rows: rows.length, length, pads };
}

/** A one-row batch of the first `length` positions of a row's own K/V (a copy). */
export function leadingPositions(r: KvRow, length: number): KvBatch {
  if (length > rowLength(r)) throw new RangeError(`the row holds ${rowLength(r)} positions; asked for ${length}`);
  const tensors = new Map<string, KvTensor>();
  for (const [name, { data, heads, headDim }] of r.batch.tensors) {
    const copy = new Float32Array(heads * length * headDim);
    for (let h = 0; h < heads; h++) {
      const from = ((r.row * heads + h) * r.batch.length + r.batch.pads[r.row]!) * headDim;
      copy.set(data.subarray(from, from + length * headDim), h * length * headDim);
    }
    tensors.set(name, { data: copy, heads, headDim });
  }
  return { tensors, rows: 1, length, pads: [0] };
}

/** One row's own K/V of one tensor, [heads, length, headDim] without padding (for tests). */
export function rowValues(r: KvRow, name: string): Float32Array {
  const gathered = gatherRows([r]);
  const tensor = gathered.tensors.get(name);
  if (tensor === undefined) throw new RangeError(`no cache tensor '${name}'`);
  return tensor.data;
}

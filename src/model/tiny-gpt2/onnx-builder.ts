// A small helper over onnx-proto for writing an ONNX graph by hand: nodes get unique output names,
// constants become float32/int64 initializers stored as raw little-endian bytes.

import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;

type AttributeValue = number | string | readonly number[] | { readonly float: number };

/** A symbolic dimension (a name) or a fixed one (a number). */
export type Dim = string | number;

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const BOOL = onnx.TensorProto.DataType.BOOL;

function bytesOf(view: Float32Array | BigInt64Array): Uint8Array {
  // NOTE: raw data is little-endian by the ONNX spec; every platform Node runs on is too.
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const kind = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: kind.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new TypeError(`attribute ${name}: ${value} is not an integer; pass { float: ${value} }`);
    return { name, type: kind.INT, i: value };
  }
  if ('float' in value) return { name, type: kind.FLOAT, f: value.float };
  return { name, type: kind.INTS, ints: [...value] };
}

export function valueInfo(name: string, elemType: number, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private count = 0;

  /**
   * Adds a node and returns its output names: `outputs` when given (graph outputs need fixed
   * names), else fresh ones derived from the op type.
   */
  op(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    outputs: number | readonly string[] = 1,
  ): string[] {
    const id = this.count++;
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, k) => `${opType}_${id}_${k}`) : [...outputs];
    this.nodes.push({
      name: `${opType}_${id}`,
      opType,
      input: [...inputs],
      output: names,
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return names;
  }

  /** Like `op` for a node with one output: returns that output's name. */
  op1(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}, output?: string): string {
    return this.op(opType, inputs, attributes, output === undefined ? 1 : [output])[0]!;
  }

  floats(name: string, dims: readonly number[], data: Float32Array): string {
    this.initializers.push({ name, dims: [...dims], dataType: FLOAT, rawData: bytesOf(data) });
    return name;
  }

  int64s(name: string, dims: readonly number[], values: readonly number[]): string {
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({ name, dims: [...dims], dataType: INT64, rawData: bytesOf(data) });
    return name;
  }

  /** Serialises the graph as a model with the default-domain opset `opset`. */
  encode(options: {
    readonly name: string;
    readonly opset: number;
    readonly inputs: readonly onnxProto.onnx.IValueInfoProto[];
    readonly outputs: readonly onnxProto.onnx.IValueInfoProto[];
    readonly producer: string;
  }): Uint8Array {
    const model = onnx.ModelProto.create({
      // IR version 9 is the one that goes with opset 20 (onnx 1.15).
      irVersion: 9,
      producerName: options.producer,
      opsetImport: [{ domain: '', version: options.opset }],
      graph: {
        name: options.name,
        node: this.nodes,
        initializer: this.initializers,
        input: [...options.inputs],
        output: [...options.outputs],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

// JSON for people: 2-space indentation, with leaves kept short: an object of plain values (a
// distribution) stays on one line when the line fits in 120 characters, and an array of plain
// values (quantiles, per-worker counts) is filled line by line up to that width. Deterministic:
// the layout depends on the value only, and the text parses back to the same value.

const WIDTH = 120;

/** `value` as indented JSON with short leaves inline, without a trailing newline. */
export function formatJson(value: unknown, indent = 2): string {
  return format(value, '', ' '.repeat(indent), 0);
}

/** `lead`: characters before the value on its first line (indentation and key). */
function format(value: unknown, pad: string, step: string, lead: number): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = pad + step;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isPlain)) {
      const items = value.map((v: unknown) => JSON.stringify(v) ?? 'null');
      const oneLine = `[${items.join(', ')}]`;
      if (lead + oneLine.length <= WIDTH) return oneLine;
      return `[\n${fill(items, inner).join('\n')}\n${pad}]`;
    }
    const items = value.map((v: unknown) => inner + format(v, inner, step, inner.length));
    return `[\n${items.join(',\n')}\n${pad}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const fields = entries.map(([k, v]) => {
    const key = `${JSON.stringify(k)}: `;
    return key + format(v, inner, step, inner.length + key.length);
  });
  const oneLine = `{ ${fields.join(', ')} }`;
  if (entries.every(([, v]) => isPlain(v)) && lead + oneLine.length + 1 <= WIDTH) return oneLine;
  return `{\n${fields.map((f) => inner + f).join(',\n')}\n${pad}}`;
}

/** Items joined by ", " into lines of at most WIDTH characters, each starting with `pad`. */
function fill(items: readonly string[], pad: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const [i, item] of items.entries()) {
    const piece = i === items.length - 1 ? item : `${item},`;
    if (line !== '' && pad.length + line.length + 1 + piece.length > WIDTH) {
      lines.push(pad + line);
      line = piece;
    } else {
      line = line === '' ? piece : `${line} ${piece}`;
    }
  }
  if (line !== '') lines.push(pad + line);
  return lines;
}

function isPlain(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

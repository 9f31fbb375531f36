// Every line of a chart gets transparent points (vega-lite's `point: 'transparent'`): a line is one
// SVG path whose label is only its first point's, so the page's tooltip could name no value along
// it. Invisible in the SVG and PNG files, which are drawn from the same SVG as the page.

/** A copy of `spec` whose line marks without points get transparent ones (vega-lite's `point: 'transparent'`). */
export function withHoverPoints(spec: unknown): unknown {
  if (Array.isArray(spec)) return spec.map(withHoverPoints);
  if (spec === null || typeof spec !== 'object') return spec;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    // `data` holds values, never marks: left as it is (and not walked, for speed).
    out[key] = key === 'mark' ? hoverMark(value) : key === 'data' ? value : withHoverPoints(value);
  }
  return out;
}

function hoverMark(mark: unknown): unknown {
  if (mark === 'line') return { type: 'line', point: 'transparent' };
  if (mark !== null && typeof mark === 'object' && (mark as { type?: unknown }).type === 'line' && !('point' in mark)) return { ...mark, point: 'transparent' };
  return mark;
}

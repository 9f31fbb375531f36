// Every string that comes from data (a strategy's name, a config value, a routing reason) passes
// through here before it reaches the page. NOTE: the inline SVGs do not: vega escapes their text
// and attributes itself (test/report/html.test.ts pins that with a hostile strategy name).

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe as HTML text and as a quoted attribute value. */
export function escapeHtml(text: string | number | boolean): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

// The page shell: doctype, inline stylesheet and script, a header, the strategy switches, and the
// sections the caller made. Nothing is fetched: no link, no src, no font but the reader's own.

import { escapeHtml } from './escape.ts';
import { SCRIPT } from './script.ts';
import { STYLE } from './style.ts';

/** A strategy switch: its name and the colour it has in every chart. */
export interface StrategySwitch {
  readonly strategy: string;
  readonly color: string;
}

export interface PageInput {
  /** The document title and the heading. */
  readonly title: string;
  /** One line under the heading. */
  readonly subtitle: string;
  /** A switch per strategy, over the sections; none for a page without strategies. */
  readonly switches?: readonly StrategySwitch[];
  /** The sections' HTML, already escaped. */
  readonly sections: readonly string[];
}

/** The whole page: one self-contained HTML document. */
export function htmlPage(input: PageInput): string {
  const switches = input.switches ?? [];
  const nav =
    switches.length === 0
      ? ''
      : `<nav class="toggles" aria-label="strategies shown"><span class="label">Strategies shown:</span>${switches
          .map((s) => `<label><input type="checkbox" data-toggle value="${escapeHtml(s.strategy)}" checked><span class="swatch" style="background:${escapeHtml(s.color)}"></span>${escapeHtml(s.strategy)}</label>`)
          .join('')}</nav>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header><h1>${escapeHtml(input.title)}</h1><p>${escapeHtml(input.subtitle)}</p></header>
${nav}
${input.sections.join('\n')}
<footer>Written by stateful-cache-router. Self-contained: every chart is inline SVG; hover a mark for its values.</footer>
</main>
<div id="tooltip" role="tooltip" hidden></div>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** A titled section; `body` is HTML. */
export function section(id: string, heading: string, body: string, note?: string): string {
  const p = note === undefined ? '' : `<p class="note">${escapeHtml(note)}</p>`;
  return `<section id="${escapeHtml(id)}"><h2>${escapeHtml(heading)}</h2>${p}${body}</section>`;
}

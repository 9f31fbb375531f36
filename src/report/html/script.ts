// The page's one script, inlined, no library: a tooltip with the values of the mark under the
// pointer, and the strategy switches. Both read what vega already writes on every mark, its
// aria-label ("worker: 2; requests routed: 31; strategy: dynamo"), so the SVGs need no rewriting.
// Elements outside the charts that belong to one strategy carry data-strategy (a figure, a row of
// the slowest requests) or data-strategy-row (a row of the strategy table, dimmed rather than hidden).

/** The script of every report page (plain browser JavaScript). */
export const SCRIPT = `
(() => {
  const tip = document.getElementById('tooltip');
  // A mark is any labelled SVG element but a group: groups are axes, legends and titles.
  const markAt = (target) => {
    const el = target instanceof Element ? target.closest('svg [aria-label]') : null;
    return el !== null && el.tagName !== 'g' ? el : null;
  };
  document.addEventListener('mouseover', (event) => {
    const mark = markAt(event.target);
    if (mark === null) { tip.hidden = true; return; }
    tip.replaceChildren(...mark.getAttribute('aria-label').split('; ').map((part) => {
      const line = document.createElement('div');
      line.textContent = part;
      return line;
    }));
    tip.hidden = false;
  });
  document.addEventListener('mousemove', (event) => {
    if (tip.hidden) return;
    const right = event.pageX + 14 + tip.offsetWidth > document.documentElement.scrollWidth;
    tip.style.left = (right ? event.pageX - 14 - tip.offsetWidth : event.pageX + 14) + 'px';
    tip.style.top = event.pageY + 14 + 'px';
  });
  document.addEventListener('mouseleave', () => { tip.hidden = true; });

  const strategyOf = (el) => {
    const found = /(?:^|; )strategy: (.*?)(?:; |$)/.exec(el.getAttribute('aria-label') || '');
    return found === null ? null : found[1];
  };
  const switches = [...document.querySelectorAll('input[data-toggle]')];
  const apply = () => {
    const off = new Set(switches.filter((s) => !s.checked).map((s) => s.value));
    for (const el of document.querySelectorAll('svg [aria-label]')) {
      const strategy = strategyOf(el);
      if (strategy !== null) el.style.display = off.has(strategy) ? 'none' : '';
    }
    for (const text of document.querySelectorAll('svg .role-legend-label text')) text.style.opacity = off.has(text.textContent) ? '0.3' : '';
    for (const el of document.querySelectorAll('[data-strategy]')) el.hidden = off.has(el.dataset.strategy);
    for (const el of document.querySelectorAll('[data-strategy-row]')) el.classList.toggle('off', off.has(el.dataset.strategyRow));
  };
  for (const s of switches) s.addEventListener('change', apply);
  apply(); // a reload may keep unchecked boxes
})();
`;

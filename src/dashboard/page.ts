// The dashboard page: one self-contained HTML document (style and script inline, no font, image or
// library fetched), so it works offline and its server's content security policy can forbid
// every other origin.

import { PAGE_SCRIPT } from './page-script.ts';
import { PAGE_STYLE } from './page-style.ts';

const BODY = `
<header>
  <h1>stateful-cache-router · live</h1>
  <span class="run" id="run">waiting for the run</span>
  <span class="pill" id="status">waiting</span>
  <span class="clock" id="clock"></span>
</header>
<main>
  <section><div class="totals" id="totals"></div></section>
  <section>
    <h2>Workers</h2>
    <div class="workers" id="workers"></div>
    <div class="legend">
      <span><i class="seg-used"></i>used</span><span><i class="seg-cachedfree"></i>cached-free (evicted first)</span><span><i class="seg-empty"></i>free</span>
      <span><i class="seg-idle"></i>idle</span><span><i class="seg-prefill"></i>prefill</span><span><i class="seg-decode"></i>decode</span><span><i class="seg-down"></i>down</span>
    </div>
  </section>
  <section class="charts">
    <div class="panel"><h2>Prefix-cache hit rate over time</h2><svg id="hit-chart" role="img" aria-label="hit rate over time"></svg>
      <div class="legend"><span><i style="background:#12b76a"></i>per interval (prompt tokens found cached)</span><span>- - - whole run so far</span></div></div>
    <div class="panel"><h2>Time to first token over time</h2><svg id="ttft-chart" role="img" aria-label="TTFT over time"></svg>
      <div class="legend"><span><i style="background:#7a5af8"></i>mean</span><span><i style="background:#c3b5fd"></i>largest</span></div></div>
  </section>
  <section class="two">
    <div class="panel"><h2>Latest routing decisions</h2><div class="rules" id="rules"></div>
      <table><thead><tr><th>time</th><th>request</th><th>worker</th><th>rule</th><th>reason</th></tr></thead><tbody id="decisions"></tbody></table></div>
    <div class="panel"><h2>Faults</h2><ul class="faults" id="faults"></ul></div>
  </section>
  <section id="finished-section" hidden>
    <div class="panel"><h2>Strategies finished</h2>
      <table><thead><tr><th>strategy</th><th>completed</th><th>hit rate</th><th>mean TTFT</th><th>simulated</th></tr></thead><tbody id="finished"></tbody></table></div>
  </section>
  <footer class="legend" id="connection">connecting…</footer>
</main>`;

/** The page's HTML. */
export function dashboardPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>stateful-cache-router · live dashboard</title>
<link rel="icon" href="data:,">
<style>${PAGE_STYLE}</style>
</head>
<body>${BODY}
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

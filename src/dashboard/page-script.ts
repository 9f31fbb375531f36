// The dashboard page's script, inlined into the page: it listens to /events and redraws the whole
// page from each snapshot (a snapshot is the whole picture, so a missed one costs nothing).
// NOTE: plain ES2017 in a string, not TypeScript: it runs in the browser as is, with no bundler
// and nothing fetched. No backticks or dollar-brace in it (it lives in a template literal).

export const PAGE_SCRIPT = String.raw`
'use strict';
var $ = function (id) { return document.getElementById(id); };
var STATUSES = ['idle', 'prefill', 'decode', 'down'];
function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); }
function pct(x) { return (100 * x).toFixed(1) + '%'; }
function ms(x) { return x === null || x === undefined ? '–' : x >= 10000 ? (x / 1000).toFixed(1) + ' s' : Math.round(x) + ' ms'; }
function secs(t) { return (t / 1000).toFixed(t < 10000 ? 2 : 1) + ' s'; }

function bar(parts, total) {
  return '<div class="bar">' + parts.filter(function (p) { return p[1] > 0; }).map(function (p) {
    return '<div class="seg-' + p[0] + '" style="width:' + (100 * p[1] / total).toFixed(3) + '%" title="' + p[0] + ': ' + p[2] + '"></div>';
  }).join('') + '</div>';
}

function workerCard(w) {
  var time = STATUSES.reduce(function (s, k) { return s + w.timeIn[k]; }, 0) || 1;
  var occupancy = bar(STATUSES.map(function (k) { return [k, w.timeIn[k], pct(w.timeIn[k] / time)]; }), time);
  var cache = '<div class="label"><span>KV cache</span><span>not sampled yet</span></div><div class="bar"></div><div class="sub">&nbsp;</div>';
  if (w.cache) {
    var c = w.cache, blocks = c.used + c.cachedFree + c.empty || 1;
    cache = '<div class="label"><span>KV cache</span><span>' + (c.capacity === 'unbounded' ? 'unbounded' : c.capacity + ' blocks') + '</span></div>' +
      bar([['used', c.used, c.used], ['cachedfree', c.cachedFree, c.cachedFree], ['empty', c.empty, c.empty]], blocks) +
      '<div class="sub"><b class="used">' + c.used + '</b> used · <b class="cached-free">' + c.cachedFree + '</b> cached-free · <b class="free">' + c.empty + '</b> free</div>';
  }
  return '<div class="worker" data-worker="' + w.id + '" data-status="' + w.status + '">' +
    '<div class="head"><span class="name">worker ' + w.id + '</span><span class="status ' + w.status + '">' + w.status + '</span></div>' +
    cache +
    '<div class="label"><span>time in each state</span></div>' + occupancy +
    '<div class="sub">' + STATUSES.filter(function (k) { return w.timeIn[k] > 0; }).map(function (k) { return k + ' ' + pct(w.timeIn[k] / time); }).join(' · ') + '</div>' +
    '<div class="nums">' +
    '<div><span>queue</span><br><b class="queue">' + w.waiting + '</b></div>' +
    '<div><span>batch</span><br><b class="batch">' + w.running + '</b></div>' +
    '<div><span>hit rate</span><br><b>' + pct(w.hitRate) + '</b></div>' +
    '<div><span>routed</span><br><b>' + w.routed + '</b></div>' +
    '<div><span>completed</span><br><b>' + w.completed + '</b></div>' +
    '<div><span>preempted</span><br><b>' + w.preempted + '</b></div>' +
    '</div></div>';
}

// A line chart in SVG: y from 0 to yMax, x over the run's virtual time; a null breaks the line.
function chart(svg, points, bucketMs, now, yMax, yLabel, lines) {
  var W = 560, H = 170, L = 44, R = 10, T = 10, B = 22;
  var tMax = Math.max(now, points.length === 0 ? 1 : points[points.length - 1].t + bucketMs);
  var x = function (t) { return L + (W - L - R) * t / tMax; };
  var y = function (v) { return T + (H - T - B) * (1 - v / yMax); };
  var out = '';
  [0, 0.5, 1].forEach(function (f) {
    out += '<line class="grid" x1="' + L + '" x2="' + (W - R) + '" y1="' + y(f * yMax) + '" y2="' + y(f * yMax) + '"/>' +
      '<text x="' + (L - 4) + '" y="' + (y(f * yMax) + 3) + '" text-anchor="end">' + yLabel(f * yMax) + '</text>';
  });
  out += '<text x="' + L + '" y="' + (H - 6) + '">0 s</text><text x="' + (W - R) + '" y="' + (H - 6) + '" text-anchor="end">' + secs(tMax) + ' (virtual)</text>';
  lines.forEach(function (e) {
    var runs = [[]];
    points.forEach(function (p) {
      var v = e.value(p);
      if (v === null) { if (runs[runs.length - 1].length > 0) runs.push([]); return; }
      runs[runs.length - 1].push(x(p.t + bucketMs / 2).toFixed(1) + ',' + y(Math.min(v, yMax)).toFixed(1));
    });
    runs.forEach(function (r) {
      if (r.length === 1) out += '<circle cx="' + r[0].split(',')[0] + '" cy="' + r[0].split(',')[1] + '" r="2" fill="' + e.color + '"/>';
      else if (r.length > 1) out += '<polyline class="' + e.cls + '" fill="none" stroke="' + e.color + '" stroke-width="' + e.width + '"' + (e.dash ? ' stroke-dasharray="4 3"' : '') + ' points="' + r.join(' ') + '"/>';
    });
  });
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.innerHTML = out;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  var p = Math.pow(10, Math.floor(Math.log10(v)));
  var steps = [1, 2, 2.5, 5, 10];
  for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p;
  return 10 * p;
}

function render(s) {
  $('run').textContent = s.scenario + ' · ' + s.strategy + (s.runCount > 1 ? ' (' + s.runIndex + ' of ' + s.runCount + ')' : '');
  var pill = $('status');
  pill.textContent = s.status === 'done' ? 'finished' : s.status;
  pill.className = 'pill ' + s.status;
  $('clock').textContent = 't = ' + secs(s.now) + ' virtual';
  var t = s.totals;
  var inFlight = t.submitted - t.completed - t.rejected - t.failed;
  $('totals').innerHTML = [
    ['submitted', t.submitted], ['in flight', inFlight], ['completed', t.completed], ['rejected', t.rejected], ['failed', t.failed],
    ['routed again', t.retried], ['preempted', t.preempted], ['hit rate', pct(t.hitRate)], ['mean TTFT', ms(t.ttftMeanMs)],
  ].map(function (p) { return '<div class="total" data-total="' + p[0] + '"><b>' + p[1] + '</b><span>' + p[0] + '</span></div>'; }).join('');
  $('workers').innerHTML = s.workers.map(workerCard).join('');

  var pts = s.series.points;
  chart($('hit-chart'), pts, s.series.bucketMs, s.now, 1, function (v) { return Math.round(100 * v) + '%'; }, [
    { cls: 'overall', color: '#12b76a', width: 1, dash: true, value: function () { return t.submitted > 0 ? t.hitRate : null; } },
    { cls: 'hit', color: '#12b76a', width: 2, value: function (p) { return p.hitRate; } },
  ]);
  var ttftMax = niceMax(Math.max.apply(null, [0].concat(pts.map(function (p) { return p.ttftMaxMs || 0; }))));
  chart($('ttft-chart'), pts, s.series.bucketMs, s.now, ttftMax, ms, [
    { cls: 'ttft-max', color: '#c3b5fd', width: 1, value: function (p) { return p.ttftMaxMs; } },
    { cls: 'ttft', color: '#7a5af8', width: 2, value: function (p) { return p.ttftMeanMs; } },
  ]);

  var rules = Object.keys(s.rules).sort(function (a, b) { return s.rules[b] - s.rules[a]; });
  $('rules').textContent = rules.length === 0 ? '' : 'decided by: ' + rules.map(function (r) { return r + ' ' + s.rules[r]; }).join(' · ');
  $('decisions').innerHTML = s.decisions.length === 0 ? '<tr><td colspan="5" class="empty-note">no request routed yet</td></tr>' :
    s.decisions.map(function (d) {
      return '<tr><td>' + secs(d.at) + '</td><td>' + esc(d.requestId) + '</td><td>' + d.workerId + '</td><td class="rule">' + esc(d.rule) + '</td><td class="reason">' + esc(d.reason) + '</td></tr>';
    }).join('');
  $('faults').innerHTML = s.faults.length === 0 ? '<li class="empty-note">none so far</li>' :
    s.faults.map(function (f) {
      return '<li><span class="kind ' + f.kind + '">' + f.kind + '</span> ' + secs(f.at) + ' ' + (f.count > 1 ? '<b>×' + f.count + '</b> ' : '') + esc(f.text) + '</li>';
    }).join('');
  $('finished-section').hidden = s.finished.length === 0;
  $('finished').innerHTML = s.finished.map(function (r) {
    return '<tr><td class="rule">' + esc(r.strategy) + '</td><td>' + r.totals.completed + '</td><td>' + pct(r.totals.hitRate) + '</td><td>' + ms(r.totals.ttftMeanMs) + '</td><td>' + secs(r.simulatedMs) + '</td></tr>';
  }).join('');
}

var source = new EventSource('/events');
var ended = false;
source.addEventListener('snapshot', function (e) { render(JSON.parse(e.data)); $('connection').textContent = 'live'; });
source.addEventListener('end', function () {
  ended = true;
  source.close();
  $('connection').textContent = 'the run is over; this page shows its final state';
});
source.onerror = function () {
  if (ended) return;
  $('connection').textContent = 'connection lost; retrying…';
};
`;

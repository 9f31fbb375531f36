// The dashboard page's stylesheet, inlined into the page (no file or font to fetch).

export const PAGE_STYLE = `
:root {
  --bg: #f6f7f9; --card: #fff; --ink: #1d2330; --muted: #667085; --line: #e3e6eb;
  --idle: #98a2b3; --prefill: #f79009; --decode: #2e90fa; --down: #d92d20;
  --used: #1f4e8c; --cachedfree: #7cc4fa; --empty: #e9edf2;
  --hit: #12b76a; --ttft: #7a5af8;
}
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--ink); }
header { display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap; padding: 12px 20px; background: var(--card); border-bottom: 1px solid var(--line); }
header h1 { font-size: 16px; margin: 0; }
header .run { font-weight: 600; }
header .clock { margin-left: auto; font-variant-numeric: tabular-nums; color: var(--muted); }
.pill { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; background: var(--idle); }
.pill.running { background: var(--decode); }
.pill.done { background: var(--hit); }
.pill.lost { background: var(--down); }
main { padding: 14px 20px 24px; display: grid; gap: 14px; }
section h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 6px; }
.totals { display: flex; gap: 10px; flex-wrap: wrap; }
.total { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 92px; }
.total b { display: block; font-size: 18px; font-variant-numeric: tabular-nums; }
.total span { color: var(--muted); font-size: 11px; }
.workers { display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); gap: 10px; }
.worker { background: var(--card); border: 1px solid var(--line); border-left: 5px solid var(--idle); border-radius: 6px; padding: 8px 10px; }
.worker[data-status="prefill"] { border-left-color: var(--prefill); }
.worker[data-status="decode"] { border-left-color: var(--decode); }
.worker[data-status="down"] { border-left-color: var(--down); background: #fff5f4; }
.worker .head { display: flex; justify-content: space-between; align-items: center; margin-bottom: 6px; }
.worker .name { font-weight: 600; }
.status { font-size: 11px; font-weight: 700; text-transform: uppercase; padding: 1px 7px; border-radius: 9px; color: #fff; background: var(--idle); }
.status.prefill { background: var(--prefill); }
.status.decode { background: var(--decode); }
.status.down { background: var(--down); }
.bar { display: flex; height: 12px; border-radius: 3px; overflow: hidden; background: var(--empty); }
.bar > div { height: 100%; }
.label { display: flex; justify-content: space-between; color: var(--muted); font-size: 11px; margin: 5px 0 2px; }
.sub { color: var(--muted); font-size: 11px; margin-top: 2px; }
.sub b { color: var(--ink); font-weight: 600; }
.seg-idle { background: var(--idle); } .seg-prefill { background: var(--prefill); } .seg-decode { background: var(--decode); } .seg-down { background: var(--down); }
.seg-used { background: var(--used); } .seg-cachedfree { background: var(--cachedfree); } .seg-empty { background: var(--empty); }
.nums { display: grid; grid-template-columns: repeat(3, 1fr); gap: 2px 8px; margin-top: 6px; font-variant-numeric: tabular-nums; }
.nums span { color: var(--muted); font-size: 11px; }
.legend { display: flex; gap: 12px; flex-wrap: wrap; color: var(--muted); font-size: 11px; margin-top: 6px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; min-width: 0; }
.panel svg { width: 100%; height: 170px; display: block; }
svg text { font-size: 10px; fill: var(--muted); }
svg .grid { stroke: var(--line); }
.two { display: grid; grid-template-columns: 3fr 2fr; gap: 10px; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th { text-align: left; color: var(--muted); font-weight: 500; font-size: 11px; border-bottom: 1px solid var(--line); padding: 3px 6px; }
td { padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
td { white-space: nowrap; }
td.reason { color: var(--muted); font-size: 12px; white-space: normal; word-break: break-word; }
.rule { font-weight: 600; white-space: nowrap; }
.rules { color: var(--muted); font-size: 11px; margin-bottom: 6px; }
ul.faults { list-style: none; margin: 0; padding: 0; max-height: 330px; overflow: auto; }
ul.faults li { padding: 3px 0; border-bottom: 1px solid var(--line); }
ul.faults .kind { display: inline-block; min-width: 58px; font-size: 11px; font-weight: 700; text-transform: uppercase; }
.kind.down, .kind.failed { color: var(--down); } .kind.up { color: var(--hit); } .kind.stall, .kind.retry { color: var(--prefill); } .kind.rejected { color: var(--muted); }
.empty-note { color: var(--muted); font-style: italic; }
@media (max-width: 900px) { .charts, .two { grid-template-columns: 1fr; } }
`;

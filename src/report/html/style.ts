// The page's stylesheet, inlined: the page loads nothing. Charts keep their drawn size (their
// text is sized for it) and shrink only on a narrow window.

/** The CSS of every report page. */
export const STYLE = `
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #dadce0; --band: #f6f7f9; --accent: #2f6fb0; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
main { max-width: 1480px; margin: 0 auto; padding: 20px 28px 40px; }
header h1 { margin: 0 0 2px; font-size: 24px; }
header p { margin: 0; color: var(--muted); }
h2 { margin: 30px 0 10px; font-size: 18px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
p.note { color: var(--muted); margin: 4px 0 10px; max-width: 980px; }
nav.toggles { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px; margin: 16px 0 0; padding: 8px 12px; background: var(--band); border: 1px solid var(--rule); border-radius: 6px; }
nav.toggles .label { font-weight: 600; }
nav.toggles label { display: inline-flex; align-items: center; gap: 5px; cursor: pointer; white-space: nowrap; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; flex: none; }
dl.config { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 2px 24px; margin: 0; }
dl.config div { display: flex; gap: 8px; padding: 3px 0; border-bottom: 1px dotted var(--rule); min-width: 0; }
dl.config dt { color: var(--muted); flex: none; }
dl.config dd { margin: 0 0 0 auto; text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 9px; border-bottom: 1px solid var(--rule); text-align: right; vertical-align: top; white-space: nowrap; }
th { background: var(--band); font-weight: 600; white-space: nowrap; }
thead tr.group th { background: #fff; border-bottom: none; color: var(--muted); font-weight: 500; text-align: center; }
th.text, td.text { text-align: left; }
tr.first td { border-top: 2px solid #b0b4ba; }
td.best { font-weight: 700; color: #137333; }
td.reason, td.marks { white-space: normal; }
td.reason { text-align: left; max-width: 520px; overflow-wrap: anywhere; color: var(--muted); font-size: 13px; }
tr.off { opacity: 0.35; }
.bar { display: inline-block; width: 70px; height: 8px; margin-left: 6px; background: var(--band); border: 1px solid var(--rule); vertical-align: middle; }
.bar i { display: block; height: 100%; background: var(--accent); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(620px, 1fr)); gap: 18px; }
figure { margin: 0; padding: 8px; border: 1px solid var(--rule); border-radius: 6px; background: #fff; min-width: 0; }
figure svg { display: block; width: 100%; height: auto; }
figure.span { grid-column: 1 / -1; }
figure.span svg { width: auto; max-width: 100%; }
figcaption { max-width: 700px; padding: 6px 4px 0; color: var(--muted); font-size: 13px; }
#tooltip { position: absolute; z-index: 3; pointer-events: none; max-width: 360px; padding: 6px 8px; background: rgba(255,255,255,0.97); border: 1px solid #999; border-radius: 4px; box-shadow: 0 2px 6px rgba(0,0,0,0.15); font-size: 12px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
[hidden] { display: none !important; }
`;

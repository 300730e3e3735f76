// The console's one stylesheet, as a module so the bundle carries it (no asset pipeline).
export const CONSOLE_CSS = `/* One small stylesheet: readable tables, status colours that also carry a word (never colour alone). */
:root { --fg: #1b1f24; --muted: #5b6470; --line: #d8dde3; --bg: #fbfcfd; --ok: #1a7f37; --bad: #c62828; --warn: #9a6700; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem; background: #12263a; color: #fff; }
header a { color: #d6e4f0; text-decoration: none; padding: .2rem .5rem; border-radius: 4px; }
header a.active, header a:hover { background: #244766; color: #fff; }
header nav { display: flex; gap: .3rem; flex: 1; }
.brand { font-size: 15px; }
main { padding: 1rem 1.2rem 3rem; max-width: 1400px; }
h1 { font-size: 20px; margin: .2rem 0 1rem; }
h2 { font-size: 16px; margin: 1.6rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; background: #fff; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef2f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
pre { background: #fff; border: 1px solid var(--line); padding: .6rem; overflow: auto; max-height: 32rem; }
.status-up, .ok { color: var(--ok); font-weight: 600; }
.status-down, .bad { color: var(--bad); font-weight: 600; }
.warn { color: var(--warn); font-weight: 600; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: 10px; background: #3a536b; color: #fff; font-size: 12px; }
.badge.ok { background: var(--ok); color: #fff; }
.badge.warn { background: var(--warn); color: #fff; }
.problem { border: 1px solid var(--bad); background: #fdecea; padding: .6rem .8rem; margin: .5rem 0 1rem; }
.notice { border: 1px solid var(--accent); background: #e8f1fb; padding: .6rem .8rem; margin: .5rem 0 1rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: 1rem; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
input, select, button { font: inherit; padding: .25rem .4rem; }
button { cursor: pointer; }
button.danger { background: var(--bad); color: #fff; border: 0; padding: .4rem .9rem; border-radius: 4px; }
button.link { background: none; border: 0; color: #d6e4f0; text-decoration: underline; padding: 0; }
form.inline { display: inline; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin-bottom: 1rem; }
.card { background: #fff; border: 1px solid var(--line); padding: .6rem .9rem; min-width: 10rem; }
.card .value { font-size: 22px; font-weight: 600; }
.chart svg { background: #fff; border: 1px solid var(--line); }
.legend { display: flex; flex-wrap: wrap; gap: .8rem; font-size: 12px; }
`;

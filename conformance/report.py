"""`python -m conformance report`: the matrix as a terminal summary, a self-contained HTML dashboard, a heatmap,
and the API coverage table (results/dashboard.html, results/heatmap.png, results/coverage.csv).

pandas does the pivoting and the HTML tables; matplotlib draws the heatmap. What is written by hand is only the
few lines of inline JavaScript that sort and filter the tables (no network: the file must open anywhere).
"""
import html
import json
import os

import numpy as np
import pandas as pd

from conformance import coverage
from conformance.diff import compare, format_diff, read_matrix
from conformance.frameworks import DTYPES
from conformance.matrix import STATUS_ORDER, write_atomically

STATUS_COLOURS = {"pass": "#cdeccd", "xfail": "#fde9b6", "skip": "#e6e6e6", "fail": "#f4a9a8",
                  "error": "#e07b7a", "xpass": "#f6c28b"}


def load_parity(path):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["err_ratio"] = pd.to_numeric(frame["err_ratio"].replace("", "nan"), errors="coerce")
    return frame


def _worst(statuses):
    return min(statuses, key=STATUS_ORDER.index)


def pivot_cells(parity):
    """(name, check) x dtype: the worst status over the variants and the largest err_ratio."""
    grouped = parity.groupby(["name", "check", "dtype"]).agg(status=("status", _worst),
                                                            err_ratio=("err_ratio", "max"),
                                                            cases=("case_id", "size"))
    return grouped.reset_index()


def status_counts(parity):
    counts = parity.pivot_table(index=["kind", "check"], columns="status", values="case_id", aggfunc="count",
                                fill_value=0)
    return counts[[s for s in STATUS_ORDER if s in counts.columns]]


def near_misses(parity, count=15):
    passing = parity[(parity["status"] == "pass") & (parity["err_ratio"] > 0)]
    return passing.sort_values(["err_ratio", "case_id", "check"], ascending=[False, True, True]).head(count)


# ---------------------------------------------------------------- terminal

def terminal_summary(parity, diff, coverage_groups, untested_apis):
    lines = [f"{len(parity)} rows, {parity['case_id'].nunique()} cases, {parity['name'].nunique()} names", "",
             "Rows per kind x check x status:", status_counts(parity).to_string(), ""]
    lines.append("Closest near-misses (passing rows, largest err_ratio):")
    lines += [f"  {r.err_ratio:8.3g}  {r.case_id} [{r.check}]" for r in near_misses(parity).itertuples()] \
        or ["  none"]
    failing = parity[parity["status"].isin(("fail", "error", "xpass"))]
    lines += ["", f"Failing rows: {len(failing)}"]
    lines += [f"  {r.case_id} [{r.check}] {r.status}: {r.detail[:160]}" for r in failing.head(30).itertuples()]
    lines += ["", format_diff(diff, "baseline", "this run", limit=20) if diff is not None
              else "No results/baseline.csv: no regression check."]
    lines += ["", "API coverage (torch's public API, read from the installed torch):",
              coverage_groups.to_string(), ""]
    lines.append(f"Untested: {len(untested_apis)} mtv2 APIs have no conformance row"
                 + (": " + ", ".join(untested_apis[:40]) + (" ..." if len(untested_apis) > 40 else "")
                    if untested_apis else "."))
    return "\n".join(lines)


# ---------------------------------------------------------------- HTML

_SCRIPT = """
function filterTable(input) {
  const table = document.getElementById(input.dataset.table);
  const words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
  for (const row of table.tBodies[0].rows) {
    const text = row.textContent.toLowerCase();
    row.hidden = !words.every(word => text.includes(word));
  }
}
function sortTable(header) {
  const table = header.closest("table"), body = table.tBodies[0];
  const column = Array.from(header.parentNode.children).indexOf(header);
  const ascending = header.dataset.order !== "asc";
  header.dataset.order = ascending ? "asc" : "desc";
  const key = row => row.cells[column].dataset.sort ?? row.cells[column].textContent;
  const rows = Array.from(body.rows).sort((a, b) => {
    const x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
    const order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
    return ascending ? order : -order;
  });
  body.append(...rows);
}
document.querySelectorAll("th").forEach(th => th.addEventListener("click", () => sortTable(th)));
"""

_STYLE = """
body { font-family: sans-serif; font-size: 13px; margin: 1.5em; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; cursor: pointer; position: sticky; top: 0; }
td.cell { text-align: center; min-width: 4.5em; }
input.filter { width: 40em; margin: 0.5em 0; padding: 3px; }
.legend span { padding: 2px 8px; margin-right: 4px; }
details { margin-bottom: 1em; }
""" + "".join(f"td.{status} {{ background: {colour}; }}\n" for status, colour in STATUS_COLOURS.items())


def _table(table_id, headers, rows):
    """rows: lists of (text, css class, sort key) cells."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for text, css, sort in row:
            attributes = (f' class="{css}"' if css else "") + (f' data-sort="{html.escape(str(sort))}"'
                                                               if sort is not None else "")
            cells.append(f"<td{attributes}>{html.escape(str(text))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<input class="filter" data-table="{table_id}" placeholder="filter (words, all must match)" '
            f'oninput="filterTable(this)">\n<table id="{table_id}"><thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(body) + "\n</tbody></table>")


def _ratio_text(ratio):
    return "" if pd.isna(ratio) else f"{ratio:.2g}"


def dashboard_html(parity, diff, coverage_table, run_info):
    cells = pivot_cells(parity)
    dtypes = [d for d in DTYPES if d in set(cells["dtype"])] + sorted(set(cells["dtype"]) - set(DTYPES))
    by_key = {(r.name, r.check, r.dtype): r for r in cells.itertuples()}
    matrix_rows = []
    for name, check in sorted({(r.name, r.check) for r in cells.itertuples()}):
        row = [(name, "", None), (check, "", None)]
        statuses = []
        for dtype in dtypes:
            cell = by_key.get((name, check, dtype))
            if cell is None:
                row.append(("", "", ""))
                continue
            statuses.append(cell.status)
            row.append((f"{cell.status} {_ratio_text(cell.err_ratio)}".strip(), f"cell {cell.status}",
                        STATUS_ORDER.index(cell.status)))
        worst = _worst(statuses)
        row.insert(2, (worst, f"cell {worst}", STATUS_ORDER.index(worst)))
        matrix_rows.append(row)

    near = [[(r.case_id, "", None), (r.check, "", None), (f"{r.err_ratio:.3g}", "", r.err_ratio),
             (f"atol {r.atol} rtol {r.rtol} ({r.tol_source})", "", None)]
            for r in near_misses(parity, 50).itertuples()]
    regressions = [[(case_id, "", None), (check, "", None), (f"{old} -> {new}", "cell " + new, None),
                    (detail, "", None)] for case_id, check, old, new, detail in (diff.regressions if diff else [])]
    every_row = [[(r.case_id, "", None), (r.check, "", None), (r.status, "cell " + r.status,
                                                                STATUS_ORDER.index(r.status)),
                  (_ratio_text(r.err_ratio), "", r.err_ratio if pd.notna(r.err_ratio) else -1),
                  (r.detail[:300], "", None)] for r in parity.sort_values(["case_id", "check"]).itertuples()]
    coverage_rows = [[(r.api, "", None), (r.group, "", None), ("yes" if r.in_mtv2 else "no",
                                                               "cell " + ("pass" if r.in_mtv2 else "skip"), None),
                      ("yes" if r.has_cases else "no", "cell " + ("pass" if r.has_cases else "skip"), None),
                      (r.statuses, "", None)] for r in coverage_table.itertuples()]

    legend = "".join(f'<span class="cell {s}" style="background:{c}">{s}</span>' for s, c in STATUS_COLOURS.items())
    counts = status_counts(parity).to_html()
    info = html.escape(json.dumps(run_info, indent=1)) if run_info else "(no run.json)"
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"><title>mtv2 conformance dashboard</title>',
        f"<style>{_STYLE}</style></head><body>",
        "<h1>mtv2 against PyTorch: conformance dashboard</h1>",
        f"<p>{len(parity)} rows, {parity['case_id'].nunique()} cases, {parity['name'].nunique()} names. "
        f"Regressions against the baseline: {len(diff.regressions) if diff else 'no baseline'}.</p>",
        f'<p class="legend">{legend} Cells show the worst status over a name\'s variants and the largest '
        "err_ratio (|mtv2 - torch| / (atol + rtol |torch|); pass means &le; 1). Click a header to sort.</p>",
        f"<h2>Rows per kind and check</h2>{counts}",
        "<h2>Regressions against results/baseline.csv</h2>",
        _table("regressions", ["case_id", "check", "status", "detail"], regressions) if regressions
        else "<p>None.</p>",
        "<h2>Matrix: name x check x dtype</h2>",
        _table("matrix", ["name", "check", "worst", *dtypes], matrix_rows),
        "<h2>Closest near-misses</h2>",
        _table("near", ["case_id", "check", "err_ratio", "tolerance"], near),
        "<details><summary><h2 style='display:inline'>Every row</h2></summary>",
        _table("rows", ["case_id", "check", "status", "err_ratio", "detail"], every_row), "</details>",
        "<details><summary><h2 style='display:inline'>API coverage</h2></summary>",
        _table("coverage", ["api", "group", "in mtv2", "has cases", "statuses"], coverage_rows), "</details>",
        f"<h2>Run</h2><pre>{info}</pre>",
        f"<script>{_SCRIPT}</script></body></html>",
    ]
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------- heatmap

def heatmap_png(parity, path, names_per_panel=120):
    """name x dtype, coloured by the worst status over checks and variants; names in side-by-side panels."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    worst = parity.groupby(["name", "dtype"])["status"].agg(_worst).unstack("dtype")
    dtypes = [d for d in DTYPES if d in worst.columns] + sorted(set(worst.columns) - set(DTYPES))
    worst = worst[dtypes].sort_index()
    codes = worst.apply(lambda column: column.map(lambda s: STATUS_ORDER.index(s) if isinstance(s, str) else -1))
    colours = ListedColormap(["white"] + [STATUS_COLOURS[s] for s in STATUS_ORDER])
    panels = max(1, -(-len(codes) // names_per_panel))
    figure, axes = plt.subplots(1, panels, figsize=(3.2 * panels, max(4, 0.11 * min(len(codes), names_per_panel))),
                                squeeze=False)
    for index, axis in enumerate(axes[0]):
        chunk = codes.iloc[index * names_per_panel:(index + 1) * names_per_panel]
        # every panel gets the same row height: the last one is padded with blank rows
        padded = np.full((names_per_panel if panels > 1 else len(chunk), len(dtypes)), -1)
        padded[:len(chunk)] = chunk.to_numpy()
        axis.imshow(padded + 1, cmap=colours, vmin=0, vmax=len(STATUS_ORDER), aspect="auto",
                    interpolation="nearest")
        axis.set_yticks(range(len(chunk)), chunk.index, fontsize=4)
        axis.set_xticks(range(len(dtypes)), dtypes, fontsize=5, rotation=90)
    handles = [plt.Rectangle((0, 0), 1, 1, color=STATUS_COLOURS[s]) for s in STATUS_ORDER]
    figure.suptitle("mtv2 vs torch: worst status per name and dtype", y=0.999, fontsize=8)
    figure.legend(handles, STATUS_ORDER, loc="upper center", bbox_to_anchor=(0.5, 0.99), ncol=len(STATUS_ORDER),
                  fontsize=7)
    figure.tight_layout(rect=(0, 0, 1, 0.975))
    temporary = f"{path}.tmp-{os.getpid()}.png"
    figure.savefig(temporary, dpi=110)
    plt.close(figure)
    os.replace(temporary, path)


# ---------------------------------------------------------------- the command

def run_report(results_dir="results", baseline=None):
    parity_path = os.path.join(results_dir, "parity.csv")
    if not os.path.exists(parity_path):
        raise SystemExit(f"no {parity_path}: run `pytest -n auto conformance/` first")
    parity = load_parity(parity_path)
    baseline = baseline or os.path.join(results_dir, "baseline.csv")
    diff = compare(read_matrix(baseline), read_matrix(parity_path)) if os.path.exists(baseline) else None
    run_json = os.path.join(results_dir, "run.json")
    run_info = json.load(open(run_json)) if os.path.exists(run_json) else None

    import mtv2
    import torch
    table = coverage.coverage_table(torch, mtv2, parity)
    groups = coverage.coverage_summary(table)
    untested_apis = coverage.untested(table)
    write_atomically({os.path.join(results_dir, "coverage.csv"): table.to_csv(index=False, lineterminator="\n"),
                      os.path.join(results_dir, "dashboard.html"): dashboard_html(parity, diff, table, run_info)})
    heatmap_png(parity, os.path.join(results_dir, "heatmap.png"))
    print(terminal_summary(parity, diff, groups, untested_apis))
    print(f"\nwrote {results_dir}/dashboard.html, {results_dir}/heatmap.png, {results_dir}/coverage.csv")
    return 0

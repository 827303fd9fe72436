"""Fetch the browser code of the app's later elements while the reader looks at the first page.

Streamlit's frontend loads the code of most kinds of element only when a page first draws one
(a lazily loaded chunk of its JavaScript), so the first click onto a page with an element the
tab has not drawn yet waits for that code. Plotly's is a 4.7 MB script: the session's first
click onto Departments (one trend chart) took 2.0 s on a quiet machine, 1.6 s of it the
browser fetching, compiling and running Plotly (issue 21); the charts are ECharts now, whose
code is 1.2 MB. The Overview draws no chart, grid, checkbox, text area or frame, so a page
that does pays for its code on its first visit.

`offer()` puts a small script into the sidebar of every page (hidden, once per tab, constant
text, never people's). It works in two steps:

1. As soon as the first page is drawn and quiet (looked at every quarter second), it asks for
   those chunks as `<link rel="modulepreload">`: the browser fetches and compiles them beside
   the page's own thread and runs none of them, so a quick next click is not held up (a robot
   clicking each page the moment it is drawn, three runs each: Departments' first visit
   555-574 → 478-500 ms, the Goal cascade's 416-423 → 367-417 ms, SMART goals and *Why it
   moved* unchanged).
2. Once the page has stayed quiet for `READING_MS` (a person reads it), in the browser's idle
   time, it imports them one after another, each only after such a quiet moment, so it
   neither delays the page it starts from nor a quick next click: their code has run too.

A module is loaded once per page, by its address: when a later page draws such an element,
Streamlit's own import finds it already loaded. Which chunks: `CHUNKS`, the element kinds our
pages draw and the Overview does not (found by listing what Chromium fetched on each page's
first visit); their file names carry a hash of Streamlit's build, so they are looked up in the
installed Streamlit's static folder. A Streamlit release that renames them only stops the
prefetch (tests/test_prefetch.py fails, so someone updates `CHUNKS`).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import streamlit as st

CHUNKS = ("DataFrame", "ButtonGroup", "EChartsChart", "Checkbox", "TextArea", "IFrame")
"""Streamlit's lazily loaded element code our later pages need and the Overview does not, in
the order they are fetched: tables (Goal cascade, SMART goals, *Why it moved*, Data), pills
(the Goal cascade's view, the Departments trend's KPI), charts (Departments, Present, a goal's
detail, two tabs of *Why it moved*), checkboxes (SMART goals), text areas (Departments' notes)
and frames (Present)."""
READING_MS = 1000
"""How long a page must have been drawn and quiet before each chunk is imported (run; the
preload only fetches and compiles): a person reads it then. A module runs in the browser's one
thread (Plotly's, when the charts were Plotly's, for about 0.4 s), and a click made while it
runs waits; imported the moment a page was drawn, it slowed the next click of a benchmark that
clicks at once (SMART goals 5-6.7 s against 0.7-1.5 s without, load 17-27) instead of the click
onto Departments it was meant to spare."""
KEY = "prefetch-code"
"""The hidden container in the sidebar that holds the script."""
STATIC = Path(st.__file__).parent / "static" / "static" / "js"
"""Where Streamlit keeps its frontend's JavaScript; the page loads it from `…/static/js/`."""

SCRIPT = """<style>.st-key-%(key)s { display: none !important; }</style>
<script>
(() => {
  if (window.kpiPrefetched) return;  // once per tab: every page's run sends this script again
  window.kpiPrefetched = true;
  const files = %(files)s;
  const index = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (index === null) return;
  const quiet = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null && app.dataset.testScriptState === "notRunning"
      && document.querySelector('[data-stale="true"]') === null;
  };
  const idle = (then) => window.requestIdleCallback
    ? window.requestIdleCallback(then, {timeout: 2000}) : window.setTimeout(then, 200);
  const address = (file) => new URL(file, index.src).href;
  const preload = () => files.forEach((file) => {  // fetched and compiled, not run
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = address(file);
    document.head.appendChild(link);
  });
  let since = null;  // since when the page has been quiet: a reader is reading it
  let preloaded = false;
  const next = (n) => {
    if (n >= files.length) return;
    const now = performance.now();
    since = quiet() ? (since ?? now) : null;
    if (since !== null && !preloaded) { preloaded = true; preload(); }
    if (since === null || now - since < %(reading)d) { window.setTimeout(() => next(n), 250); return; }
    idle(() => import(address(files[n]))
      .then(() => { window.kpiPrefetchRan = n + 1; })  // how many have run: tests wait for it
      .catch(() => undefined)  // only time is lost: the page loads it itself when it needs it
      .finally(() => next(n + 1)));
  };
  idle(() => next(0));
})();
</script>"""


@functools.cache
def files() -> tuple[str, ...]:
    """The file name of each of `CHUNKS` in the installed Streamlit (those found)."""
    found = []
    for chunk in CHUNKS:
        pattern = re.compile(rf"{re.escape(chunk)}\.[^.]+\.js")
        names = sorted(p.name for p in STATIC.glob(f"{chunk}.*.js") if pattern.fullmatch(p.name))
        if len(names) == 1:
            found.append(names[0])
    return tuple(found)


def offer() -> None:
    """Once per page run, in the sidebar: the script that preloads `CHUNKS` once the page is
    drawn and runs them in a reader's quiet time (the browser runs it once per tab)."""
    if not files():
        return
    body = SCRIPT % {"key": KEY, "files": json.dumps(list(files())), "reading": READING_MS}
    with st.sidebar.container(key=KEY):
        st.html(body, unsafe_allow_javascript=True)

"""How this program's processes set Python's garbage collector: one home for the app, the
command line and the benchmark, which measures what they run.

Python's cyclic collector looks at the youngest objects every 700 new container objects and
moves every survivor a generation up; once the survivors make up a quarter of the oldest
generation, a full collection walks all of it. Building a large company's month report makes
some 200,000 objects that live until the report is done (47,000 month values, their points and
rows), so at 700 most of them survive a young collection only because the build is still
running, climb to the oldest generation, and set off full collections over the app's caches:
a quarter of the status's time (issue 21: 365-390 ms against 280-313 ms with `YOUNG`, taking
turns in one process), and 7-9 % of the app's CPU under `make load` (56 full collections in
two minutes, about 0.13 s each, each on some person's click). A young collection every `YOUNG` new objects finds most of
them already gone. Garbage without cycles is freed at once as before (reference counting);
cyclic garbage waits for at most `YOUNG` more objects.
"""

from __future__ import annotations

import gc

YOUNG = 10_000
"""New container objects between two collections of the youngest generation (Python's default
700). 5,000 kept half of the gain, 25,000 and 100,000 no more than this."""


def tune() -> None:
    """Collect the youngest generation every `YOUNG` new objects; the older generations'
    thresholds stay Python's."""
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG, middle, old)

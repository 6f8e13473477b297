"""Memory and speed of reading a large WordPress export (not a test).

    .venv/bin/python bench/wxr_stream.py            # a 500 MB export, generated as it is read
    .venv/bin/python bench/wxr_stream.py --mb 100

The export is made on the fly (tests/wordpress/synthetic.py), so no file of that
size needs to exist. It prints the peak resident memory of the process after
each tenth of the file: flat means the reader streams.
"""

import argparse
import io
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.wordpress.synthetic import SyntheticExport, item  # noqa: E402
from wordpress import wxr  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=500, help="size of the export in megabytes")
    args = parser.parse_args()
    items = args.mb * 1_000_000 // len(item(1))
    export = SyntheticExport(items=items)
    total = export.size
    marks = iter(range(1, 11))
    next_mark = next(marks)
    seen = {"items": 0, "comments": 0}
    started = time.perf_counter()
    print(f"reading {total / 1e6:,.0f} MB: {items:,} posts with 3 comments each")
    print(f"{'read':>6} {'posts':>10} {'seconds':>8} {'peak RSS MB':>12}")

    def progress(done):
        nonlocal next_mark
        while next_mark is not None and done >= total * next_mark / 10:
            elapsed = time.perf_counter() - started
            print(f"{next_mark * 10:>5}% {seen['items']:>10,} {elapsed:>8.1f} {peak_rss_mb():>12.1f}")
            next_mark = next(marks, None)

    for record in wxr.read(io.BufferedReader(export, buffer_size=1 << 20), on_progress=progress):
        if isinstance(record, wxr.Item):
            seen["items"] += 1
            seen["comments"] += len(record.comments)
    elapsed = time.perf_counter() - started
    print(f"done: {seen['items']:,} posts, {seen['comments']:,} comments in {elapsed:.1f} s "
          f"({total / 1e6 / elapsed:.1f} MB/s); peak RSS {peak_rss_mb():.1f} MB")  # fmt: skip


if __name__ == "__main__":
    main()

"""The resident's home, opened cold on a phone with little data: what it costs on the wire.

Bytes and requests are the same on every run, so they are asserted; LCP and CLS depend on the machine,
so they are printed here and by `make bench` (benchmarks/page_load.py), never asserted.
"""

from __future__ import annotations

import pytest

from benchmarks import page_load

MAX_KB = 40
MAX_REQUESTS = 8


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo as `make run` serves it, untouched by the other browser tests (they add to timelines)."""
    app = page_load.demo_app(tmp_path_factory.mktemp("weight"))
    with page_load.serve(app) as address:
        yield app, address


def test_the_resident_home_opens_cold_in_few_bytes_and_requests(browser, demo):
    app, address = demo
    state = page_load.signed_in_state(browser, address, page_load.pair_link(app, address, "resident1"))
    cold = page_load.measure_cold(browser, f"{address}/me/", state)
    print(
        f"\nresident home, cold, slow 4G, CPU ÷{page_load.CPU_SLOWDOWN}: {cold['bytes'] / 1024:.1f} KB in "
        f"{cold['requests']} requests, LCP {cold['lcp_ms']:.0f} ms, CLS {cold['cls']:.3f}"
    )
    print("\n".join(f"  {url}" for url in cold["urls"]))
    assert cold["requests"] <= MAX_REQUESTS, cold["urls"]
    assert cold["bytes"] <= MAX_KB * 1024, cold

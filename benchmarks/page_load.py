"""The resident's home opened cold on a slow phone line, in Chromium: bytes, requests, LCP and CLS.

Emulates slow 4G (1.6 Mbit/s down, 750 kbit/s up, 150 ms latency) and a CPU four times slower than
this machine's, on the demo data, beside a "hello" page served the same way in the same run.
Run by `make bench` (needs Chromium: `apt-get install chromium`). The browser suite asserts the bytes
and requests, which are the same on every run; LCP and CLS depend on the machine, so they are printed here.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
CPU_SLOWDOWN = 4
RUNS = 5
# Requests that are not part of opening the page: the timeline's poll, which starts after it.
NOT_LOADING = ("/updates",)

VITALS = """() => new Promise(resolve => {
  let lcp = 0, cls = 0;
  new PerformanceObserver(list => { for (const entry of list.getEntries()) lcp = entry.startTime; })
    .observe({type: 'largest-contentful-paint', buffered: true});
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) cls += entry.value;
  })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve({lcp, cls}), 300);
})"""


def demo_app(folder: Path, **config):
    """The demo data in a fresh SQLite database under `folder`."""
    from alembic import command

    from webapp import create_app, demo
    from webapp.cli import alembic_config
    from webapp.db import get_session

    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    # As `make run` serves the demo: staff sign in with the password alone.
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "browser",
            "SECRET_PEPPER": "browser",
            "AUDIO_DIR": str(folder / "audio"),
            "STAFF_SECOND_FACTOR": False,
            **config,
        }
    )
    with app.app_context():
        demo.load(get_session())
    return app


@contextmanager
def serve(app):
    """The app on a free local port, in a thread: yields its address."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()


def launch(playwright, extra: list[str] = ()):
    """Debian's Chromium, headless (Playwright's own browser download is not reachable here)."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            *extra,
        ],
    )


def measure_cold(browser, url: str, storage_state=None) -> dict:
    """Open `url` in a fresh phone (nothing cached) on slow 4G with a slow CPU; what went over the wire."""
    context = browser.new_context(
        viewport={"width": 360, "height": 800},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        storage_state=storage_state,
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    urls, sizes, loaded = {}, {}, []
    cdp.on(
        "Network.requestWillBeSent",
        lambda event: loaded or urls.setdefault(event["requestId"], event["request"]["url"]),
    )
    cdp.on("Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    page.goto(url, wait_until="load")
    loaded.append(True)
    page.wait_for_timeout(500)  # let the last responses finish counting
    vitals = page.evaluate(VITALS)
    counted = [request for request, address in urls.items() if not any(part in address for part in NOT_LOADING)]
    context.close()
    return {
        "bytes": sum(sizes.get(request, 0) for request in counted),
        "requests": len(counted),
        "lcp_ms": vitals["lcp"],
        "cls": vitals["cls"],
        "urls": sorted(f"{sizes.get(request, 0) / 1024:5.1f} KB  {urls[request]}" for request in counted),
    }


def signed_in_state(browser, address: str, pair_link: str) -> dict:
    """A resident's phone, paired and signed in with the PIN: its cookies, to open the home with."""
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(pair_link)
    page.click("main button[type=submit]")
    page.fill("#pin", "4827")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{address}/me/")
    state = context.storage_state()
    context.close()
    return state


def pair_link(app, address: str, username: str) -> str:
    from webapp.auth import pairing, services
    from webapp.db import close_session, get_session

    with app.app_context():
        resident = services.find_user(get_session(), username)
        token = pairing.make_link(get_session(), resident=resident, actor=None, sets_pin=False)
        close_session()
    return f"{address}/pair/{token}"


def report(browser, name: str, url: str, state) -> None:
    runs = [measure_cold(browser, url, state) for _ in range(RUNS)]
    lcp = statistics.median(run["lcp_ms"] for run in runs)
    cls = max(run["cls"] for run in runs)
    print(
        f"{name:>25}, cold, slow 4G, CPU ÷{CPU_SLOWDOWN}: {runs[0]['bytes'] / 1024:5.1f} KB in "
        f"{runs[0]['requests']} requests, LCP median {lcp:6.0f} ms over {RUNS} runs, CLS at most {cls:.3f}"
    )


def add_messages(app, username: str, count: int) -> None:
    """Ordinary messages back and forth, as a resident with a long history has."""
    import uuid

    from webapp.auth import services
    from webapp.db import close_session, get_session
    from webapp.timeline import services as timeline

    with app.app_context():
        db = get_session()
        resident = services.find_user(db, username)
        advisor = db.get(type(resident), resident.advisor_id)
        for n in range(count):
            timeline.post_message(
                db,
                resident=resident,
                author=advisor if n % 2 else resident,
                body=f"Besked nummer {n}: vi ses i beboerhuset på tirsdag kl. 10.",
                idempotency_key=uuid.uuid4().hex,
            )
        close_session()


def main() -> None:
    from playwright.sync_api import sync_playwright

    from benchmarks.hello import app as hello

    folder = Path(tempfile.mkdtemp())
    app = demo_app(folder)
    with serve(app) as address, serve(hello) as hello_address, sync_playwright() as playwright:
        browser = launch(playwright)
        state = signed_in_state(browser, address, pair_link(app, address, "resident1"))
        report(browser, "hello page", hello_address + "/", None)
        report(browser, "resident home (demo)", f"{address}/me/", state)
        add_messages(app, "resident1", 40)  # a long history: the first page of the timeline is full
        report(browser, "resident home (full page)", f"{address}/me/", state)
        browser.close()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

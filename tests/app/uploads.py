"""Driving the page's background upload from AppTest."""

from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest


def indexing(app: AppTest) -> bool:
    """The page shows a running upload (its progress panel)."""
    return any(m.value.startswith("**Indexeren") for m in app.sidebar.markdown)


def until_indexed(app: AppTest, timeout: float = 60.0) -> AppTest:
    """Rerun the page while it shows a running upload, so the upload started by the last
    click has finished and its summary is shown (the job runs in a thread; a real browser reruns the panel every
    second by itself)."""
    deadline = time.monotonic() + timeout
    while indexing(app):
        if time.monotonic() > deadline:
            raise AssertionError("the upload did not finish")
        time.sleep(0.05)
        app.run()
        assert not app.exception, app.exception
    return app

"""End to end in a real browser: `streamlit run streamlit_app.py` on a free local port,
driven by Debian's headless Chromium through Selenium and Debian's chromedriver.

By default the app runs on the fake assistant (fast); ASSISTANT_BROWSER_REAL=1 uses the real
assistant on the configured corpus. The screenshot is saved under the test's tmp_path and,
when ASSISTANT_SCREENSHOT_OUT is set, copied there (that is how docs/screenshot.png is made).
Nothing is downloaded: the browser and driver paths are explicit and Selenium Manager is
told to stay offline.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
APP = PROJECT_DIR / "streamlit_app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
REAL = os.environ.get("ASSISTANT_BROWSER_REAL") == "1"
# Loading the real model and (re)building the index takes far longer than the fake.
STARTUP_TIMEOUT = 600 if REAL else 60
ANSWER_TIMEOUT = 300 if REAL else 60
QUESTION = os.environ.get(
    "ASSISTANT_BROWSER_QUESTION",
    "Wat doet de gemeente tegen armoede onder kinderen?" if REAL else "Wat doet Zuiderveen tegen armoede?",
)

WASSENAAR_PDF = PROJECT_DIR / "eval" / "real" / "documents" / "wassenaar-programmabegroting-2024.pdf"
# A figure question of its own (no evaluation question): a tax line of the budget's Tabel 7.1.
FIGURE_QUESTION = "Welke opbrengst van de leges voor Wabo-vergunningen is voor 2024 geraamd?"
# Reading the 121-page budget the first time (text, tables, three OCR pages) and indexing it.
WASSENAAR_STARTUP_TIMEOUT = 600

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    reason = f"Chromium ontbreekt ({', '.join(missing)}): apt-get install chromium chromium-driver"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(path: Path, n: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-n:])
    except OSError:
        return "(geen log)"


@contextmanager
def _serve(env: dict, log_path: Path, startup: float = 60) -> Iterator[str]:
    """`streamlit run streamlit_app.py` with `env` on a free port; yields its URL."""
    port = _free_port()
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in finally
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer",
    ]
    # A new session so the whole process group (streamlit and any child) can be ended.
    proc = subprocess.Popen(cmd, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit stopte meteen (code {proc.returncode}):\n{_log_tail(log_path)}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit antwoordde niet binnen {startup:.0f} s:\n{_log_tail(log_path)}")
            time.sleep(0.5)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        log.close()


def _base_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH", "")]))
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    return env


@pytest.fixture
def app_url(tmp_path):
    _require_browser()
    env = _base_env()
    if not REAL:
        env["ASSISTANT_APP_FACTORY"] = "tests.app.fake_assistant:create"
        env["ASSISTANT_DATA_DIR"] = str(tmp_path / "data")
        env["ASSISTANT_CORPUS_DIR"] = str(tmp_path / "corpus")
        env["ASSISTANT_INDEX_DIR"] = str(tmp_path / "index")
    with _serve(env, tmp_path / "streamlit.log") as url:
        yield url


@pytest.fixture
def wassenaar_url(tmp_path, tmp_path_factory):
    """The real assistant (fake embedder: the figure comes from the fact store) on the
    121-page Wassenaar budget alone. Its corpus folder and index live beside pytest's temp
    folders and are reused by later runs: reading the PDF (with OCR) takes about a minute
    and a half the first time. The rendered-page cache is this test's own, so pages are
    really rendered."""
    _require_browser()
    shared = tmp_path_factory.getbasetemp().parent / "wassenaar-browser"
    corpus = shared / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    target = corpus / WASSENAAR_PDF.name
    if not target.exists() or target.stat().st_size != WASSENAAR_PDF.stat().st_size:
        shutil.copyfile(WASSENAAR_PDF, target)
    env = _base_env()
    env["ASSISTANT_APP_FACTORY"] = "tests.app.factories:real_with_fake_embedder"
    env["ASSISTANT_CORPUS_DIR"] = str(corpus)
    env["ASSISTANT_INDEX_DIR"] = str(shared / "index")
    env["ASSISTANT_DATA_DIR"] = str(tmp_path / "data")
    with _serve(env, tmp_path / "streamlit.log") as url:
        yield url


@pytest.fixture
def driver(tmp_path):
    _require_browser()
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never fetch a browser or driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1400,1100", f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    drv = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    drv.set_page_load_timeout(60)
    try:
        yield drv
    finally:
        drv.quit()


def test_question_answer_and_citation_in_browser(app_url, driver, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(app_url)
    box = WebDriverWait(driver, STARTUP_TIMEOUT).until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, '[data-testid="stChatInputTextArea"]'))
    )
    box.send_keys(QUESTION)
    box.send_keys(Keys.ENTER)

    # The answer: an assistant message with at least one citation expander. An error shown
    # instead ends the wait at once, with its text in the failure.
    expander_sel = '[data-testid="stChatMessage"] [data-testid="stExpander"] summary'
    alert_sel = '[data-testid="stChatMessage"] [data-testid="stAlert"], [data-testid="stAlertContainer"]'

    def answered(drv):
        alerts = [a for a in drv.find_elements(By.CSS_SELECTOR, alert_sel) if a.text.strip()]
        if alerts:
            return alerts[0]
        found = drv.find_elements(By.CSS_SELECTOR, expander_sel)
        return found[0] if found and found[0].is_displayed() else False

    try:
        summary = WebDriverWait(driver, ANSWER_TIMEOUT).until(answered)
    except Exception:
        driver.save_screenshot(str(tmp_path / "timeout.png"))
        raise
    if summary.get_attribute("data-testid") in ("stAlert", "stAlertContainer"):
        driver.save_screenshot(str(tmp_path / "error.png"))
        pytest.fail(f"De app toonde een fout in plaats van een antwoord: {summary.text}")
    messages = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')
    assert QUESTION in messages[0].text
    assert "[1]" in messages[-1].text
    assert "[1] " in summary.text  # label escaped for Markdown shows as plain "[1] title — …"
    assert "\\[" not in summary.text

    summary.click()
    mark = WebDriverWait(driver, 20).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="stExpander"] .bron-tekst mark'))
    )
    assert mark.text.strip(), "the supporting sentence is highlighted and visible"
    if not REAL and "ASSISTANT_BROWSER_QUESTION" not in os.environ:
        assert mark.text.startswith("Daarom verhogen we in 2024")  # the fake's supporting sentence

    time.sleep(0.5)  # let the expander animation finish before the picture
    shot = tmp_path / "app.png"
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    out = os.environ.get("ASSISTANT_SCREENSHOT_OUT")
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, out)


def test_document_script_is_shown_as_text_in_browser(app_url, driver):
    """A passage holding <script> and **vet** shows literally; no script element is created."""
    if REAL:
        pytest.skip("needs the fake's hostile document")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(app_url)
    box = WebDriverWait(driver, STARTUP_TIMEOUT).until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, '[data-testid="stChatInputTextArea"]'))
    )
    box.send_keys("Laat het script-document zien" + Keys.ENTER)
    answer = WebDriverWait(driver, ANSWER_TIMEOUT).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="stChatMessage"] .antwoord'))
    )
    assert "<script>alert(1)</script>" in answer.text
    assert "**vet**" in answer.text and "[klik](javascript:alert(1))" in answer.text
    assert answer.find_elements(By.CSS_SELECTOR, "script, strong, a") == []


def _mark_pixels(png: bytes) -> int:
    """Pixels in the page view's frame colour (assistant.pageview.MARK_LINE)."""
    import io

    import numpy as np
    from PIL import Image

    from assistant.pageview import MARK_LINE

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    return int((np.abs(pixels - np.array(MARK_LINE[:3])) < 40).all(axis=2).sum())


def test_figure_source_opens_on_its_page_with_the_cell_marked(wassenaar_url, driver, tmp_path):
    """A figure question on the Wassenaar budget; the source opens to the rendered page with
    the cell framed, and the frame is in the image the browser received."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(wassenaar_url)
    box = WebDriverWait(driver, WASSENAAR_STARTUP_TIMEOUT).until(
        EC.element_to_be_clickable((By.CSS_SELECTOR, '[data-testid="stChatInputTextArea"]'))
    )
    box.send_keys(FIGURE_QUESTION + Keys.ENTER)
    summary = WebDriverWait(driver, ANSWER_TIMEOUT).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="stChatMessage"] [data-testid="stExpander"] summary'))
    )
    metric = driver.find_element(By.CSS_SELECTOR, '[data-testid="stChatMessage"] [data-testid="stMetricValue"]')
    assert metric.text.startswith("€"), metric.text
    card = re.search(r"p\. (\d+), Tabel [\d.]+, rij .+, kolom .+", driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[-1].text)
    assert card, "the figure card names page, table, row and column"
    page = card.group(1)
    assert f"p. {page}" in summary.text

    summary.click()  # opening the source reruns the page, which renders it
    selector = '[data-testid="stChatMessage"] [data-testid="stExpander"] [data-testid="stImage"] img'
    try:
        WebDriverWait(driver, 60).until(lambda d: len([i for i in d.find_elements(By.CSS_SELECTOR, selector) if i.get_attribute("naturalWidth") not in (None, "0")]) >= 2)
    except Exception:
        driver.save_screenshot(str(tmp_path / "timeout.png"))
        raise
    detail, whole = driver.find_elements(By.CSS_SELECTOR, selector)[:2]

    def expander_text(d) -> str:  # noqa: ANN001
        return d.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"] [data-testid="stExpander"]')[0].text

    # The captions render after the images on a loaded machine: wait for the page's caption.
    WebDriverWait(driver, 60).until(lambda d: "Pagina " in expander_text(d))
    expander_text = expander_text(driver)
    assert f"Pagina {page} van 121" in expander_text and "Uitsnede rond de markering" in expander_text
    for image in (detail, whole):
        with urllib.request.urlopen(image.get_attribute("src"), timeout=10) as resp:
            assert _mark_pixels(resp.read()) > 50, "the cell's frame is drawn on the page"

    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", detail)
    time.sleep(0.5)
    shot = tmp_path / "page-view.png"
    assert driver.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    out = os.environ.get("ASSISTANT_PAGE_SCREENSHOT_OUT")
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, out)

"""The docs site: built offline in under two minutes, every internal link and image resolves, and the index, a
library page and a study page render in headless Chromium (Debian's, never a downloaded browser) with every image
loaded. Screenshots are saved beside the built site (or into $CKPT_STUDY_SCREENSHOTS)."""
import functools
import http.server
import os
import shutil
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from ckpt_study.docs import build_docs

PAGES = {"index": "index.html", "library": "library/04_train.html", "study": "studies/rl_excursions/index.html"}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Refs(HTMLParser):
    """Links, image sources and element ids of one page."""
    def __init__(self):
        super().__init__()
        self.links, self.images, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "img" and a.get("src"):
            self.images.append(a["src"])


def parse(path: Path) -> Refs:
    r = Refs()
    r.feed(path.read_text(errors="replace"))
    return r


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs") / "_site"
    t0 = time.perf_counter()
    build_docs(out)
    seconds = time.perf_counter() - t0
    assert seconds < 120, f"the docs took {seconds:.0f}s to build"
    return out


def test_pages_exist(site):
    for p in PAGES.values():
        assert (site / p).exists(), p
    assert (site / "scorecard.html").exists() and (site / "getting_started.html").exists()
    study = (site / PAGES["study"]).read_text()
    for text in ("arXiv 2606.04272", "Method in brief", "10_pretrain", "pre-training steps", "Provenance", "reproduced"):
        assert text in study, text
    assert study.index("Results") < study.index("Method in brief")                 # results first
    assert "drawn by" in study and "10_pretrain.html" in study                       # figures captioned with their step
    assert 'class="verdict verdict-' in study and any(f"{m} " in study for m in ("✓", "✗", "?"))   # verdicts marked and coloured


def test_api_reference(site):
    "Library pages as API docs: each function's signature and docstring, a link to its source, a general index."
    api = (site / "api" / "core.html").read_text()
    assert 'id="ckpt_study.core.atomic_write"' in api and '_modules/ckpt_study/core.html#atomic_write' in api
    assert (site / "api" / "studies.interp_ood.html").exists()
    assert "atomic_write" in (site / "genindex.html").read_text()
    assert 'href="api/index.html"' in (site / "index.html").read_text()


def test_every_internal_link_and_image_resolves(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 15
    ids = {}
    problems = []
    for page in pages:
        refs = parse(page)
        for ref in refs.links + refs.images:
            if urlparse(ref).scheme or ref.startswith(("mailto:", "//")):
                continue
            target, frag = urldefrag(ref)
            path = (page.parent / target).resolve() if target else page
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                problems.append(f"{page.relative_to(site)}: {ref} -> missing file")
                continue
            if frag and path.suffix == ".html":
                ids.setdefault(path, parse(path).ids)
                if frag not in ids[path]:
                    problems.append(f"{page.relative_to(site)}: {ref} -> no #{frag}")
    assert not problems, "\n".join(problems[:30])


def test_no_remote_assets(site):
    """Offline readers get the whole page: no script, stylesheet or font comes from another host."""
    for page in site.rglob("*.html"):
        text = page.read_text(errors="replace")
        for needle in ('src="http', "src='http", 'href="https://cdn', "fonts.googleapis"):
            assert needle not in text, f"{page.relative_to(site)} loads a remote asset ({needle})"


@pytest.fixture(scope="module")
def served(site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_pages_render_in_chromium(site, served):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("Chromium is not installed and could not be (tools/test.sh installs Debian's chromium as root)")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    shots = Path(os.environ.get("CKPT_STUDY_SCREENSHOTS") or site.parent / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for name, path in PAGES.items():
            response = page.goto(urljoin(served, path), wait_until="load")
            assert response is not None and response.ok, path
            assert page.locator("h1").first.is_visible(), f"{path}: no visible title"
            assert len(page.locator("article").inner_text()) > 200, f"{path}: almost empty"
            broken = page.eval_on_selector_all(
                "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
            assert not broken, f"{path}: images that did not load: {broken}"
            page.screenshot(path=str(shots / f"{name}.png"), full_page=False)
        n_images = len(page.locator("article img").all())
        assert n_images >= 2, "the study page shows its published figures"
        for name in ("index", "study"):                     # findings and figures a reader can see, verdicts that stand out
            page.goto(urljoin(served, PAGES[name]), wait_until="load")
            uncaptioned = page.eval_on_selector_all(
                "article img", "imgs => imgs.filter(i => !(i.closest('figure') && i.closest('figure').querySelector('figcaption'))).map(i => i.src)")
            assert not uncaptioned, f"{name}: figures without a caption: {uncaptioned}"
        colour = page.eval_on_selector(".verdict-reproduced", "e => getComputedStyle(e).color")
        assert colour == "rgb(26, 127, 55)", f"a reproduced verdict is not coloured: {colour}"
        page.goto(urljoin(served, PAGES["index"]), wait_until="load")
        assert page.locator("#findings figure img").count() >= 5, "the landing page's findings show their key figures"
        page.set_viewport_size({"width": 420, "height": 900})                     # a phone
        page.goto(urljoin(served, PAGES["index"]), wait_until="load")
        wide = page.evaluate("document.documentElement.scrollWidth")
        page.screenshot(path=str(shots / "index-420px.png"), full_page=False)
        assert wide <= 420, f"the landing page overflows a 420 px screen ({wide} px wide)"
        browser.close()
    assert not errors, errors

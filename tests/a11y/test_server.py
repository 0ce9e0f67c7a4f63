"""serve_directory: loopback only, right content types, silent."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from builder.a11y import CheckUnavailable, serve_directory


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers["Content-Type"], response.read()


@pytest.mark.parametrize(("name", "content_type"), [
    ("page.html", "text/html; charset=utf-8"),
    ("style.css", "text/css; charset=utf-8"),
    ("sitemap.xml", "application/xml; charset=utf-8"),
    ("logo.svg", "image/svg+xml"),
])
def test_content_types(tmp_path: Path, name: str, content_type: str) -> None:
    (tmp_path / name).write_text("x", encoding="utf-8")
    with serve_directory(tmp_path) as base:
        status, received, body = _get(base + name)
    assert (status, received, body) == (200, content_type, b"x")


def test_loopback_ephemeral_port_and_index(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "index.html").write_text("<p>hello</p>", encoding="utf-8")
    with serve_directory(tmp_path) as base:
        assert base.startswith("http://127.0.0.1:") and base.endswith("/")
        assert int(base.rsplit(":", 1)[1].rstrip("/")) > 0
        assert _get(base + "en/")[2] == b"<p>hello</p>"


def test_quiet_and_404(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    with serve_directory(tmp_path) as base:
        with pytest.raises(urllib.error.HTTPError) as caught:
            _get(base + "missing.html")
    assert caught.value.code == 404
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_server_stops_after_context(tmp_path: Path) -> None:
    with serve_directory(tmp_path) as base:
        pass
    with pytest.raises(urllib.error.URLError):
        _get(base)


def test_missing_root_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(CheckUnavailable, match="build the site first"):
        with serve_directory(tmp_path / "nope"):
            pass

"""The Austen snapshot and the text-file loader (the live option)."""

from __future__ import annotations

import contextlib
import http.server
import lzma
import socket
import threading

import pytest

from lstm_course.data import austen
from lstm_course.data.austen import TextDataError, load_austen, load_text_file, split_text


@pytest.fixture(scope="module")
def text():
    return load_austen()


def test_snapshot_is_the_six_novels(text):
    assert len(text) == austen.AUSTEN_CHARS
    assert len(set(text)) == 81
    assert text.startswith("SENSE AND SENSIBILITY")
    for title in ("PRIDE AND PREJUDICE", "MANSFIELD PARK", "EMMA", "NORTHANGER ABBEY"):
        assert f"\n{title}\n" in text
    assert "Sir Walter Elliot, of Kellynch Hall" in text  # Persuasion has no title line
    assert "It is a truth universally acknowledged" in text
    assert "\r" not in text and "\x00" not in text


def test_split_is_contiguous_90_5_5(text):
    parts = split_text(text)
    assert "".join(parts.values()) == text
    sizes = {k: len(v) / len(text) for k, v in parts.items()}
    assert sizes == pytest.approx({"train": 0.9, "validation": 0.05, "test": 0.05}, abs=1e-6)
    assert parts["test"].rstrip().endswith(text.rstrip()[-40:])


def test_split_rejects_bad_fractions():
    with pytest.raises(ValueError, match="fractions"):
        split_text("abc" * 100, {"train": 0.5, "validation": 0.5})
    with pytest.raises(ValueError, match="sum to 1"):
        split_text("abc" * 100, {"train": 0.5, "validation": 0.3, "test": 0.3})
    with pytest.raises(ValueError, match="too short"):
        split_text("ab", None)
    with pytest.raises(TypeError, match="text"):
        split_text(b"abc")


def test_text_file_round_trip(tmp_path):
    path = tmp_path / "verse.txt"
    body = "Shall I compare thee to a summer's day?\r\nThou art more lovely.\n" * 40
    path.write_bytes(("\ufeff" + body).encode("utf-8"))
    got = load_text_file(path)
    assert got == body.replace("\r\n", "\n")
    packed = tmp_path / "verse.txt.xz"
    packed.write_bytes(lzma.compress(body.encode()))
    assert load_text_file(packed) == got


def test_text_file_refuses_what_it_cannot_learn_from(tmp_path):
    with pytest.raises(TextDataError, match="not found"):
        load_text_file(tmp_path / "absent.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(TextDataError, match="at least min_chars=1,000"):
        load_text_file(empty)
    tiny = tmp_path / "tiny.txt"
    tiny.write_text("hello")
    with pytest.raises(TextDataError, match="5 characters"):
        load_text_file(tiny)
    assert load_text_file(tiny, min_chars=5) == "hello"
    png = tmp_path / "image.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    with pytest.raises(TextDataError, match="not UTF-8"):
        load_text_file(png)
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"abc\x00def" * 500)
    with pytest.raises(TextDataError, match="binary"):
        load_text_file(nul)
    big = tmp_path / "big.txt"
    big.write_text("x" * 5000)
    with pytest.raises(TextDataError, match="more than"):
        load_text_file(big, max_chars=2000)
    fake = tmp_path / "fake.xz"
    fake.write_text("not xz")
    with pytest.raises(TextDataError, match="xz"):
        load_text_file(fake)
    with pytest.raises(ValueError, match="min_chars"):
        load_text_file(tiny, min_chars=0)


# --- load_text_url: a real HTTP server on localhost, and a port nobody listens on ---------------


@contextlib.contextmanager
def http_serving(files: dict[str, bytes]):
    """Serve ``{"/name": bytes}`` on 127.0.0.1 in a thread; yields the base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            if body is not None:
                self.wfile.write(body)

        def log_message(self, *args):  # keep pytest's output clean
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_text_url_reads_like_a_text_file(tmp_path):
    body = "Shall I compare thee to a summer's day?\r\nThou art more lovely.\n" * 40
    (tmp_path / "verse.txt").write_bytes(body.encode())
    with http_serving(
        {"/verse.txt": body.encode(), "/verse.txt.xz": lzma.compress(body.encode())}
    ) as base:
        got = austen.load_text_url(f"{base}/verse.txt")
        assert got == load_text_file(tmp_path / "verse.txt")
        assert austen.load_text_url(f"{base}/verse.txt.xz") == got


def test_text_url_refuses_what_the_file_loader_refuses():
    with http_serving(
        {
            "/png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
            "/tiny": b"hello",
            "/long": b"a" * 5_000,
        }
    ) as base:
        with pytest.raises(TextDataError, match="not UTF-8 text"):
            austen.load_text_url(f"{base}/png")
        with pytest.raises(TextDataError, match="at least min_chars"):
            austen.load_text_url(f"{base}/tiny")
        with pytest.raises(TextDataError, match="more than 4,000 bytes"):
            austen.load_text_url(f"{base}/long", min_chars=1, max_chars=1_000)
        with pytest.raises(austen.TextDownloadError, match="404"):
            austen.load_text_url(f"{base}/missing.txt")


def test_text_url_offline_names_the_offline_options():
    with socket.socket() as probe:  # a free port, closed again: nobody listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(austen.TextDownloadError, match="could not download") as error:
        austen.load_text_url(f"http://127.0.0.1:{port}/input.txt", timeout=5)
    assert "load_austen()" in str(error.value) and "load_text_file()" in str(error.value)
    with pytest.raises(ValueError, match="http:// or https://"):
        austen.load_text_url("input.txt")

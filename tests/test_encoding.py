"""Which encoding a page is really in, whatever it declares."""

from __future__ import annotations

import pytest

from crawler.text.encoding import detect_encoding, header_charset

ARABIC = "<html><body><p>أعلنت الحكومة اليوم عن خطة جديدة لدعم التعليم والصحة في جميع المحافظات.</p></body></html>"


@pytest.mark.parametrize("header", ["utf-8", "iso-8859-1", "windows-1252", None])
def test_windows_1256_bytes_are_read_as_windows_1256_whatever_the_header_says(header: str | None) -> None:
    assert detect_encoding(ARABIC.encode("cp1256"), header=header) == "cp1256"


def test_meta_and_header_disagree_the_bytes_decide() -> None:
    body = ARABIC.replace("<html>", '<html><meta charset="utf-8">').encode("cp1256")
    assert detect_encoding(body, header="iso-8859-1") == "cp1256"


def test_utf8_stays_utf8_even_when_the_header_says_windows_1256() -> None:
    assert detect_encoding(ARABIC.encode("utf-8"), header="windows-1256") == "utf-8"


def test_iso_8859_6_declared_and_true_is_kept() -> None:
    body = "<p>مرحبا بكم في موقعنا الإخباري الجديد</p>".encode("iso-8859-6")
    assert detect_encoding(body, header="iso-8859-6") == "iso8859-6"


def test_a_site_override_wins() -> None:
    assert detect_encoding(b"plain ascii", header="utf-8", forced="windows-1256") == "cp1256"


def test_ascii_keeps_its_declaration() -> None:
    assert detect_encoding(b"<html>hello</html>", header="iso-8859-1") == "iso8859-1"


@pytest.mark.parametrize(
    ("header", "charset"),
    [
        ("text/html; charset=windows-1256", "windows-1256"),
        ('text/html; charset="UTF-8"; q=1', "UTF-8"),
        ("text/html;CHARSET = 'iso-8859-6'", "iso-8859-6"),
        ("application/octet-stream", None),
        ("", None),
    ],
)
def test_charset_of_a_content_type_header(header: str, charset: str | None) -> None:
    assert header_charset(header) == charset

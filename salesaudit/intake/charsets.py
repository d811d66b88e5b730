"""One encoding per file: bytes that do not decode, and text in another encoding part-way through a
file, stop intake naming the line — never decoded into garbage (``ЦБ-001188`` read as ``Р¦Р‘-001188``).

A CSV's encoding is detected from its first megabyte (:func:`salesaudit.intake.csv_reader.detect_encoding`)
or set in ``inputs.<table>.read.encoding``. Three ways a file breaks that:

* **UTF-8, then other bytes** (an export appended to in another program, a stray byte): decoding the
  file strictly — as reading it does anyway — fails at the first byte that is not UTF-8; the error
  names its line (:func:`not_text`). A file whose start is plain ASCII and whose rest is in a
  single-byte code page is not a change: its start just did not show the encoding (the reader then
  reads it in the code page the rest is in).
* **A head mostly UTF-8 with a stray byte**: still UTF-8 (:func:`mostly_utf8`), so the stray byte is
  refused by line rather than the whole file decoded as cp1251.
* **A single-byte code page (cp1251...), then UTF-8**: every byte decodes in cp1251, so decoding
  cannot tell; a run of three UTF-8 two-byte letters (``ЦБ-`` is ``D0 A6 D0 91``), which real cp1251,
  KOI8-R or cp866 text never holds, marks UTF-8 text (:func:`utf8_run`: one native pass over the
  bytes, a few milliseconds per megabyte, in blocks of :data:`SCAN_BYTES`).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from ..exceptions import InputFileError

if TYPE_CHECKING:
    from .sources import Blob

SCAN_BYTES = 1 << 24
_LEAD, _CONT = ord("L"), ord("C")
_CLASSES = bytes(_LEAD if 0xC2 <= b <= 0xDF else _CONT if 0x80 <= b <= 0xBF else ord(".") for b in range(256))
_RUN = b"LCLCLC"  # three two-byte UTF-8 characters in a row
ENCODING_HINT = (
    "export the whole file again in one encoding (UTF-8), or fix that line; "
    "inputs.<table>.read.encoding sets the encoding when the detected one is wrong"
)


def mostly_utf8(head: bytes) -> bool:
    """Whether bytes that are not valid UTF-8 are still UTF-8 text with a few stray bytes: at least
    ten decoded non-ASCII characters for every byte that does not decode (cp1251 or KOI8-R text
    decoded as UTF-8 fails on almost every letter).

    Examples
    --------
    >>> mostly_utf8("Клиент;Сумма\\nООО Ромашка;5\\n".encode() + b"\\xff;7\\n")
    True
    >>> mostly_utf8("Клиент;Сумма\\nООО Ромашка;5\\n".encode("cp1251"))
    False
    """
    text = head.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if text.endswith("\ufffd"):  # a character cut by the sample's end
        bad -= 1
    letters = sum(1 for ch in text if ord(ch) > 127) - text.count("\ufffd")
    return bad > 0 and letters >= 10 * bad


@cache
def single_byte(encoding: str) -> bool:
    """Whether every byte is one character in ``encoding`` (cp1251, KOI8-R, cp866, latin-1...; not
    UTF-8, UTF-16 or the multi-byte Asian encodings, where UTF-8 byte pairs are ordinary text).

    Examples
    --------
    >>> single_byte("cp1251"), single_byte("utf-8"), single_byte("shift_jis")
    (True, False, False)
    """
    pairs = bytes(b for a in range(0x80, 0x100) for c in range(0x80, 0x100) for b in (a, c))
    try:
        return len(pairs.decode(encoding, errors="replace")) == len(pairs)
    except LookupError:
        return False


def utf8_run(path: Blob) -> int | None:
    """Byte offset of the first run of three UTF-8 two-byte characters in the file, None when there
    is none (read in blocks; one ``bytes.translate`` and ``find`` per block)."""
    pos, tail = 0, b""
    with path.open() as fh:
        while chunk := fh.read(SCAN_BYTES):
            block = tail + chunk if tail else chunk
            hit = block.translate(_CLASSES).find(_RUN)
            if hit >= 0:
                return pos - len(tail) + hit
            tail = block[-(len(_RUN) - 1) :]
            pos += len(chunk)
    return None


def line_at(path: Blob, offset: int) -> int:
    """The line (1-based, as an editor counts: ``\\n``, ``\\r\\n`` or ``\\r`` ends a line) holding the
    byte at ``offset`` of an ASCII-compatible file."""
    with path.open() as fh:
        return _line_in(fh.read(offset))


def _line_in(prefix: bytes) -> int:
    return prefix.count(b"\n") + prefix.count(b"\r") - prefix.count(b"\r\n") + 1


def not_text(path, encoding: str, exc: UnicodeDecodeError, data: bytes, *, detected: bool) -> InputFileError:
    """The error for bytes that do not decode in the file's encoding: the line they are on, the byte,
    and where the encoding came from (detected from the file's start, or set in ``read.encoding``).

    Examples
    --------
    >>> data = "Клиент\\nА\\n".encode() + b"\\xc6\\xf3\\n"
    >>> try:
    ...     data.decode("utf-8")
    ... except UnicodeDecodeError as exc:
    ...     print(not_text("s.csv", "utf-8", exc, data, detected=True).message)
    line 3 is not valid utf-8 text (byte 0xC6), the encoding detected from the start of the file: the file changes encoding part-way through, or holds a stray byte
    """
    prefix = data[: exc.start]
    if encoding.lower().replace("_", "-").startswith("utf-16"):
        line = prefix.decode(encoding, errors="replace").count("\n") + 1
    else:
        line = _line_in(prefix)
    how = "detected from the start of the file" if detected else "set in read.encoding"
    return InputFileError(
        f"line {line} is not valid {encoding} text (byte 0x{data[exc.start]:02X}), the encoding {how}: "
        f"the file changes encoding part-way through, or holds a stray byte",
        file=str(path),
        row=line,
        hint=ENCODING_HINT,
    )


def utf8_inside(path: Blob, encoding: str, offset: int, *, detected: bool) -> InputFileError:
    """The error for UTF-8 text found at ``offset`` of a file read as a single-byte ``encoding``."""
    line = line_at(path, offset)
    how = "detected from the start of the file" if detected else "set in read.encoding"
    with path.open() as fh:
        fh.seek(offset)
        sample = (fh.read(60).decode("utf-8", errors="ignore").splitlines() or [""])[0]
    return InputFileError(
        f"line {line} holds UTF-8 text ({sample[:30]!r}) in a file read as {encoding}, the encoding "
        f"{how}: the file changes encoding part-way through",
        file=str(path),
        row=line,
        hint=ENCODING_HINT,
    )

"""Reading an uploaded workbook without letting it hurt the server.

An .xlsx file is a zip of XML parts. Before any XML is parsed, `check_workbook_file`
reads only the zip's central directory: the entry count, the total unpacked size and
each entry's compression ratio (a 200 KB file can unpack to 200 MB). Python's zipfile
stops inflating an entry at the size its directory declares, so the checked sizes hold
while openpyxl reads. openpyxl parses worksheets with defusedxml when it is installed
(no entity expansion, no external entities); `defused_xml_in_use()` says whether it is.

`sheet_rows` never trusts a sheet's declared <dimension>: openpyxl's read-only mode
pads every row to the declared width and stops at the declared height, so a wrong tag
drops rows, and a cell at XFD1048576 would make it walk billions of empty cells.
"""

import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

import openpyxl
import openpyxl.reader.excel
from defusedxml import DefusedXmlException
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from openpyxl.utils import range_boundaries
from openpyxl.xml import DEFUSEDXML, functions
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from households.workbook import messages as msg

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, and password-protected .xlsx
# Tiny parts compress oddly well without being dangerous; the ratio is checked above this size.
RATIO_FLOOR_BYTES = 1024 * 1024


class UnsafeWorkbook(Exception):
    """The file is not a workbook we are willing to parse; the message says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TooManyRows(Exception):
    """A sheet holds more data rows than REGISTRY_IMPORT_MAX_ROWS."""


def limit(name: str) -> int:
    """A limit from settings (REGISTRY_IMPORT_<NAME>), with the default below."""
    return int(getattr(settings, f"REGISTRY_IMPORT_{name}", DEFAULTS[name]))


DEFAULTS = {
    "MAX_UPLOAD_BYTES": 100 * 1024 * 1024,       # a 100,000-household county is about 45 MB
    "MAX_UNPACKED_BYTES": 3 * 1024 * 1024 * 1024,  # … and about 1 GB of XML unpacked
    "MAX_RATIO": 200,                              # worksheets compress 15–40:1; bombs 1000:1
    "MAX_ENTRIES": 2000,
    "MAX_ROWS": 1_000_000,                         # data rows per sheet
}


def size_text(size: int) -> str:
    return str(filesizeformat(size)).replace("\xa0", " ")


def check_magic(head: bytes) -> None:
    """The first bytes of the file must be a zip's, whatever the file is called."""
    if head.startswith(OLE_MAGIC):
        raise UnsafeWorkbook(msg.OLD_OR_ENCRYPTED)
    if not head.startswith(ZIP_MAGIC):
        raise UnsafeWorkbook(msg.NOT_XLSX)


def check_workbook_file(path: Path | str) -> None:
    """Refuse a file that is not an .xlsx or that would unpack too far; parses no XML."""
    with Path(path).open("rb") as handle:
        check_workbook_stream(handle, Path(path).stat().st_size)


def check_workbook_stream(handle: BinaryIO, size: int) -> None:
    """The same checks on an open binary file (an upload), left at its start."""
    if size > limit("MAX_UPLOAD_BYTES"):
        raise UnsafeWorkbook(msg.UPLOAD_TOO_LARGE.format(
            size=size_text(size), limit=size_text(limit("MAX_UPLOAD_BYTES"))))
    handle.seek(0)
    check_magic(handle.read(4))
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnsafeWorkbook(msg.CORRUPT) from None
    finally:
        handle.seek(0)
    check_entries(entries)


def check_entries(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > limit("MAX_ENTRIES"):
        raise UnsafeWorkbook(msg.TOO_MANY_ENTRIES.format(count=len(entries), limit=limit("MAX_ENTRIES")))
    if "xl/workbook.xml" not in {entry.filename for entry in entries}:
        raise UnsafeWorkbook(msg.NOT_XLSX)
    total = sum(entry.file_size for entry in entries)
    if total > limit("MAX_UNPACKED_BYTES"):
        raise UnsafeWorkbook(msg.UNPACKED_TOO_LARGE.format(
            size=size_text(total), limit=size_text(limit("MAX_UNPACKED_BYTES"))))
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UnsafeWorkbook(msg.ENCRYPTED_ENTRY)
        if entry.file_size <= RATIO_FLOOR_BYTES:
            continue
        ratio = entry.file_size / max(entry.compress_size, 1)
        if ratio > limit("MAX_RATIO"):
            raise UnsafeWorkbook(msg.RATIO_TOO_HIGH.format(entry=entry.filename, ratio=int(ratio)))


_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"')
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData\b")
HEAD_BYTES = 64 * 1024


class HeadSizedReadOnlyWorksheet(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, sized from the <dimension> tag at the head of its XML.

    When the tag is missing (every workbook written by openpyxl's write-only mode lacks
    it, our own exports included), openpyxl looks for it by parsing the sheet to the end
    of <sheetData> while loading: a whole extra parse of every sheet. The schema puts the
    tag before <sheetData>, so reading the head of the part finds it or proves it absent,
    with the same result. Installed for all read-only loads below (same behaviour, faster).
    """

    def _get_size(self):
        with self._get_source() as source:
            head = source.read(HEAD_BYTES)
        end = _SHEET_DATA.search(head)
        match = _DIMENSION.search(head, 0, end.start() if end else len(head))
        if match:
            try:
                bounds = range_boundaries(match.group(1).decode())
            except (TypeError, ValueError):
                return
            self._min_column, self._min_row, self._max_column, self._max_row = bounds


openpyxl.reader.excel.ReadOnlyWorksheet = HeadSizedReadOnlyWorksheet


def defused_xml_in_use() -> bool:
    """Whether openpyxl parses worksheets with defusedxml (it does when defusedxml is installed)."""
    return bool(DEFUSEDXML) and functions.iterparse.__module__.startswith("defusedxml")


def open_workbook(path: Path | str):
    """Check the file, then open it read-only with cached formula results as values."""
    check_workbook_file(path)
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # noqa: BLE001  openpyxl raises many kinds on a broken part
        raise UnsafeWorkbook(msg.XML_FORBIDDEN if _defused(error) else msg.CORRUPT) from None


def _defused(error: BaseException | None) -> bool:
    """Whether defusedxml refused something somewhere in the chain (openpyxl re-raises as ValueError)."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def declared_rows(worksheet) -> int:
    """The row count the sheet claims (untrusted: used only to size a progress bar)."""
    try:
        return max(0, min(int(worksheet.max_row or 0), limit("MAX_ROWS") + 1))
    except (TypeError, ValueError):
        return 0


def sheet_rows(worksheet) -> Iterator[tuple[int, tuple]]:
    """(Excel row number, cell values) of every non-empty row, whatever the sheet declares.

    Rows absent from the XML cost nothing but a counter step; each row is as wide as its
    own last cell. Raises TooManyRows past REGISTRY_IMPORT_MAX_ROWS non-empty rows.
    """
    worksheet.reset_dimensions()
    max_rows = limit("MAX_ROWS") + 1  # + the header row
    seen = 0
    try:
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if not values or not any(filled(value) for value in values):
                continue
            seen += 1
            if seen > max_rows:
                raise TooManyRows
            yield number, values
    except DefusedXmlException:
        raise UnsafeWorkbook(msg.XML_FORBIDDEN) from None
    except (ParseError, ValueError, KeyError, zipfile.BadZipFile, EOFError, zlib.error):
        raise UnsafeWorkbook(msg.CORRUPT) from None


def filled(value) -> bool:
    """Whether a cell holds something (spaces alone are nothing)."""
    return value is not None and not (isinstance(value, str) and not value.strip())

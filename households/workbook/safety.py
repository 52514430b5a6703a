"""Reading an uploaded workbook without letting it hurt the server.

An .xlsx file is a zip of XML parts. Before any XML is parsed, `check_workbook_file`
reads only the zip's central directory: the entry count, the total unpacked size, each
entry's compression ratio (a 200 KB file can unpack to 200 MB) and the unpacked size of
the shared-strings table (every reader holds that table whole in memory: a valid 35 MB
workbook whose table unpacks to 228 MB grew a worker to 1.9 GB). Python's zipfile stops
inflating an entry at the size its directory declares, so the checked sizes hold.

Sheets are read with python-calamine, a Rust reader (no XML entity expansion, no DTD;
several times faster than openpyxl). calamine loads a whole sheet as a rectangle of
cells and copies a shared string into every cell that uses it, so before it reads a
sheet `scan_sheet` inflates the sheet's XML once (no parsing, a byte search) and looks
for what would make that rectangle huge: a cell in a far row or column, a cell without
a reference, or more text than REGISTRY_IMPORT_MAX_TEXT_BYTES once shared strings are
copied. Such a sheet is read with openpyxl's streaming reader instead (slower, memory
flat). Values are given back as openpyxl gave them (`openpyxl_value`), so parsing and
the error report are unchanged whichever reader ran.

openpyxl parses worksheets with defusedxml when it is installed (no entity expansion, no
external entities); `defused_xml_in_use()` says whether it is. Every part calamine reads
is refused before parsing when its head declares a DTD.

`sheet_rows` never trusts a sheet's declared <dimension>: openpyxl's read-only mode
pads every row to the declared width and stops at the declared height, so a wrong tag
drops rows, and a cell at XFD1048576 would make it walk billions of empty cells.
"""

import datetime
import posixpath
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
from defusedxml import ElementTree as DefusedElementTree
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from openpyxl.utils import range_boundaries
from openpyxl.xml import DEFUSEDXML, functions
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from python_calamine import CalamineError, CalamineWorkbook

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
    # Excel's own county workbooks keep their text here: about 30 MB for 100,000 households.
    "MAX_SHARED_STRINGS_BYTES": 100 * 1024 * 1024,
    # Text calamine would hold for a sheet, every shared string counted once per cell using it.
    "MAX_TEXT_BYTES": 512 * 1024 * 1024,
    # calamine holds a whole sheet: about 1.6 bytes of memory per byte of its XML (100,000
    # households: members 454 MB of XML, the reader's peak 724 MB). A larger sheet streams.
    "MAX_CALAMINE_SHEET_BYTES": 600 * 1024 * 1024,
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
        if _is_shared_strings(entry.filename) and entry.file_size > limit("MAX_SHARED_STRINGS_BYTES"):
            raise UnsafeWorkbook(msg.SHARED_STRINGS_TOO_LARGE.format(
                size=size_text(entry.file_size), limit=size_text(limit("MAX_SHARED_STRINGS_BYTES"))))
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


def _is_shared_strings(name: str) -> bool:
    return posixpath.basename(name).lower() == "sharedstrings.xml"


def open_workbook(path: Path | str) -> "Workbook":
    """Check the file, then open it for reading (cached formula results as values)."""
    check_workbook_file(path)
    return Workbook(path)


def open_openpyxl(path: Path | str):
    """openpyxl's streaming reader on a checked file."""
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # noqa: BLE001  openpyxl raises many kinds on a broken part
        raise UnsafeWorkbook(msg.XML_FORBIDDEN if _defused(error) else msg.CORRUPT) from None


class Workbook:
    """A checked workbook: sheets by name, each read by calamine or, when its scan says so, openpyxl."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._openpyxl = None
        self._archive = zipfile.ZipFile(self.path)  # noqa: SIM115  closed by close()
        try:
            for entry in self._archive.infolist():
                if entry.filename.lower().endswith((".xml", ".rels")):
                    _check_head(self._archive, entry)
            self._parts = _sheet_parts(self._archive)
            self._longest_string = _longest_shared_string(self._archive)
            self._book = CalamineWorkbook.from_path(str(self.path))
            self.sheetnames = list(self._book.sheet_names)
        except UnsafeWorkbook:
            self.close()
            raise
        except DefusedXmlException:
            self.close()
            raise UnsafeWorkbook(msg.XML_FORBIDDEN) from None
        except (CalamineError, ParseError, zipfile.BadZipFile, KeyError, ValueError, TypeError, EOFError,
                zlib.error, OSError, RuntimeError):
            self.close()
            raise UnsafeWorkbook(msg.CORRUPT) from None

    def __getitem__(self, name: str) -> "Sheet":
        if name not in self.sheetnames:
            raise KeyError(name)
        return Sheet(self, name)

    @property
    def worksheets(self) -> list["Sheet"]:
        return [self[name] for name in self.sheetnames]

    def openpyxl_sheet(self, name: str):
        if self._openpyxl is None:
            self._openpyxl = open_openpyxl(self.path)
        return self._openpyxl[name]

    def close(self) -> None:
        if self._openpyxl is not None:
            self._openpyxl.close()
        book = getattr(self, "_book", None)
        if book is not None:
            book.close()
            self._book = None
        self._archive.close()


class Sheet:
    def __init__(self, workbook: Workbook, name: str):
        self.workbook, self.name = workbook, name

    @property
    def part(self) -> str | None:
        return self.workbook._parts.get(self.name)

    def declared_rows(self) -> int:
        """The height its <dimension> tag claims (0 without one): only for a progress bar."""
        if self.part is None:
            return 0
        with self.workbook._archive.open(self.part) as source:
            head = source.read(HEAD_BYTES)
        end = _SHEET_DATA.search(head)
        match = _DIMENSION.search(head, 0, end.start() if end else len(head))
        if not match:
            return 0
        try:
            return range_boundaries(match.group(1).decode())[3] or 0
        except (TypeError, ValueError):
            return 0


# --- what calamine would hold for a sheet ---------------------------------------------

SCAN_CHUNK = 4 * 1024 * 1024
# A row reference of 7 digits (a row past 999,999), a column past Z (the template's sheets are
# at most 21 wide), or a cell without a reference: calamine's rectangle stays under
# 999,999 rows × 26 columns, and a sheet showing any of these is read by openpyxl.
_FAR_REF = re.compile(rb'r="(?:[A-Z]{0,3}\d{7}|[A-Z]{2})')
_REFLESS_CELL = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c(?:>|\s(?![^>]*\br=))')
MAX_CARRY = 1024 * 1024
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_STRING_ITEM = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


def _check_head(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """A DTD can only come before the root element, at the head of the part."""
    with archive.open(entry) as source:
        head = source.read(HEAD_BYTES)
    if _DOCTYPE.search(head):
        raise UnsafeWorkbook(msg.XML_FORBIDDEN)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip entry of its XML (from xl/workbook.xml and its relationships)."""
    names = {entry.filename for entry in archive.infolist()}
    for small in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        if small in names and archive.getinfo(small).file_size > HEAD_BYTES * 16:
            raise UnsafeWorkbook(msg.CORRUPT)
    workbook = DefusedElementTree.fromstring(archive.read("xl/workbook.xml"))
    targets = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for relation in DefusedElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")):
            target = relation.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[relation.get("Id")] = part
    parts = {}
    for element in workbook.iter():
        if element.tag.rsplit("}", 1)[-1] == "sheet":
            relation = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
            part = targets.get(relation)
            if part in names:
                parts[element.get("name")] = part
    return parts


def _longest_shared_string(archive: zipfile.ZipFile) -> int:
    """An upper bound on the bytes of any one shared string: the longest span between two <si>."""
    longest = 0
    for entry in archive.infolist():
        if not _is_shared_strings(entry.filename):
            continue
        data = archive.read(entry)  # at most MAX_SHARED_STRINGS_BYTES, checked from the directory
        previous = 0
        for match in _STRING_ITEM.finditer(data):
            longest = max(longest, match.start() - previous)
            previous = match.start()
        longest = max(longest, len(data) - previous)
    return longest


def calamine_can_read(workbook: Workbook, part: str) -> bool:
    """Whether calamine would hold this sheet in bounded memory (inflates it once, parses nothing)."""
    if workbook._archive.getinfo(part).file_size > limit("MAX_CALAMINE_SHEET_BYTES"):
        return False
    shared_cells = 0
    carry = b""
    with workbook._archive.open(part) as source:
        while chunk := source.read(SCAN_CHUNK):
            window = carry + chunk
            cut = window.rfind(b">") + 1  # whole tags only: the rest goes with the next chunk
            carry = window[cut:]
            if len(carry) > MAX_CARRY or _far(window, cut):
                return False
            shared_cells += window.count(b't="s"', 0, cut)
    if carry.strip():
        return False
    return shared_cells * workbook._longest_string <= limit("MAX_TEXT_BYTES")


def _far(window: bytes, end: int) -> bool:
    if _FAR_REF.search(window, 0, end):
        return True
    # Every writer we know puts r first: counting is fast; only an odd window is searched.
    cells = window.count(b"<c ", 0, end) + window.count(b"<c>", 0, end)
    if cells != window.count(b'<c r="', 0, end) or b":c" in window:
        return _REFLESS_CELL.search(window, 0, end) is not None
    return False


def declared_rows(worksheet) -> int:
    """The row count the sheet claims (untrusted: used only to size a progress bar)."""
    if isinstance(worksheet, Sheet):
        return max(0, min(worksheet.declared_rows(), limit("MAX_ROWS") + 1))
    try:
        return max(0, min(int(worksheet.max_row or 0), limit("MAX_ROWS") + 1))
    except (TypeError, ValueError):
        return 0


def sheet_rows(worksheet) -> Iterator[tuple[int, tuple]]:
    """(Excel row number, cell values) of every non-empty row, whatever the sheet declares.

    Values as openpyxl gives them. Raises TooManyRows past REGISTRY_IMPORT_MAX_ROWS
    non-empty rows.
    """
    if isinstance(worksheet, Sheet):
        part = worksheet.part
        try:
            readable = part is not None and calamine_can_read(worksheet.workbook, part)
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError, ValueError):
            raise UnsafeWorkbook(msg.CORRUPT) from None
        if readable:
            yield from _calamine_rows(worksheet)
            return
        worksheet = worksheet.workbook.openpyxl_sheet(worksheet.name)
    yield from _openpyxl_rows(worksheet)


def _calamine_rows(worksheet: Sheet) -> Iterator[tuple[int, tuple]]:
    max_rows = limit("MAX_ROWS") + 1  # + the header row
    seen = 0
    try:
        sheet = worksheet.workbook._book.get_sheet_by_name(worksheet.name)
        if sheet.start is None:
            return
        padding = (None,) * sheet.start[1]  # calamine's rows begin at the first used column …
        # … and at row 1: the n-th row it gives is Excel's row n.
        for number, values in enumerate(sheet.iter_rows(), start=1):
            # openpyxl_value, with its two commonest cases inline: text (empty is None) and numbers.
            row = padding + tuple([
                (value or None) if (kind := value.__class__) is str
                else (int(value) if value.is_integer() and -1e15 < value < 1e15 else value) if kind is float
                else openpyxl_value(value)
                for value in values
            ])
            if not any(filled(value) for value in row):
                continue
            seen += 1
            if seen > max_rows:
                raise TooManyRows
            yield number, row
    except (CalamineError, ValueError, OverflowError):
        raise UnsafeWorkbook(msg.CORRUPT) from None


def openpyxl_value(value):
    """A calamine cell as openpyxl reads it: empty is None, whole numbers are int, dates datetime.

    calamine gives every number as a float and a date cell without a time as a date;
    openpyxl gives an int for a number written without a decimal point and a datetime for
    every date cell. Past 15 digits Excel has already rounded the number: it stays a float,
    so that an ID number stored as a number is reported as cut (cells.DIGITS_LOST).
    """
    kind = value.__class__
    if kind is str:
        return value if value else None
    if kind is float:
        return int(value) if value.is_integer() and -1e15 < value < 1e15 else value
    if kind is datetime.date:
        return datetime.datetime(value.year, value.month, value.day)
    return value


def _openpyxl_rows(worksheet) -> Iterator[tuple[int, tuple]]:
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

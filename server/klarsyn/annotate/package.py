"""Writing an annotated copy of an Office package (a .docx or .odt zip): every member in
its order and with its bytes, only the parts the writer replaced are new."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from io import BytesIO

from klarsyn.document.safexml import _UNPACK_ERRORS
from klarsyn.errors import InputError

# Characters XML 1.0 cannot hold, even escaped: dropped from comment and inserted text.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CHUNK = 1024 * 1024


def _twin_info(info: zipfile.ZipInfo, compress_type: int) -> zipfile.ZipInfo:
    twin = zipfile.ZipInfo(info.filename, info.date_time)
    twin.compress_type = compress_type
    twin.external_attr = info.external_attr
    twin.create_system = info.create_system
    twin.comment = info.comment
    return twin


def rezip(archive: zipfile.ZipFile, replaced: dict[str, bytes], path: str) -> bytes:
    """Every member in its order: the replaced ones with their new bytes, the others copied
    as they are (unpacked and packed again, their content unchanged); new parts at the end."""
    out = BytesIO()
    pending = dict(replaced)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in archive.infolist():
            if info.filename in pending:
                target.writestr(_twin_info(info, zipfile.ZIP_DEFLATED), pending.pop(info.filename))
                continue
            if info.flag_bits & 0x1:
                raise InputError(path, f"{info.filename} is encrypted; save a copy without a password to have it annotated")
            method = info.compress_type if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) else zipfile.ZIP_DEFLATED
            twin = _twin_info(info, method)
            size = 0
            try:
                with archive.open(info) as src, target.open(twin, "w", force_zip64=info.file_size >= 2**31) as dst:
                    while chunk := src.read(_CHUNK):
                        size += len(chunk)
                        if size > info.file_size:  # the declared sizes were checked when the file was opened
                            raise InputError(path, f"{info.filename} unpacks to more than it claims; refusing a possible zip bomb")
                        dst.write(chunk)
            except _UNPACK_ERRORS as exc:
                raise InputError(path, f"{info.filename} cannot be unpacked (damaged file: {exc})") from None
        for name, data in pending.items():
            info = zipfile.ZipInfo(name, datetime.now().timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)
    return out.getvalue()

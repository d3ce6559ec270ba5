"""Writing the ZIP of "Download my data": one JSON file and one HTML page per section
(core.exports), the stored files the sections name (photo, attachments), and a
readable index.html linking them all. Bounded: attachments beyond
PRIVACY_EXPORT_MAX_ATTACHMENT_BYTES in all are listed, not copied."""

import json
import logging
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone

from core import exports

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024

# The archive's own style sheet (its pages are opened from the disk, offline).
STYLE = """body { font-family: system-ui, sans-serif; margin: 1rem; line-height: 1.4; }
main { max-width: 70rem; margin: 0 auto; }
.sections li { margin-bottom: .4rem; }
.record { border-top: 1px solid #bbb; padding: .5rem 0; }
.record h2 { font-size: 1rem; margin: .25rem 0; }
dl { display: grid; grid-template-columns: minmax(7rem, 12rem) 1fr; gap: .2rem 1rem; margin: 0; }
dt { font-weight: bold; overflow-wrap: anywhere; }
dd { margin: 0; min-width: 0; }
pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; font: inherit; }
@media (max-width: 30rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: .3rem; } }
a { color: #0645ad; }
"""


@dataclass
class ArchiveResult:
    size: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)  # files over the cap, or missing


def _cell(value) -> dict:
    """How the HTML page shows one value: a link for a file of the archive, text
    otherwise (lists and objects as indented JSON)."""
    if isinstance(value, str) and value.startswith("files/"):
        return {"link": f"../{value}", "text": value.removeprefix("files/")}
    if isinstance(value, (list, dict)):
        return {"text": json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)}
    if value is None:
        return {"text": ""}
    return {"text": json.loads(json.dumps(value, cls=DjangoJSONEncoder))}


def write_archive(user, path: Path) -> ArchiveResult:
    """Write `user`'s archive to `path` (a ZIP). Reads the database section by section."""
    result = ArchiveResult()
    budget = settings.PRIVACY_EXPORT_MAX_ATTACHMENT_BYTES
    index: list[dict] = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for section in exports.sections():
            rows = section.collect(user)
            result.counts[section.name] = len(rows)
            archive.writestr(
                f"data/{section.name}.json",
                json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            )
            files = []
            for item in section.files(user) if section.files else ():
                target = f"files/{item.archive_path}"
                if item.size > budget:
                    result.left_out.append(item.archive_path)
                    continue
                try:
                    with (
                        default_storage.open(item.storage_name, "rb") as source,
                        archive.open(target, "w", force_zip64=True) as sink,
                    ):
                        shutil.copyfileobj(source, sink, CHUNK)
                except FileNotFoundError:
                    logger.warning("data export: %s is missing from storage", item.storage_name)
                    result.left_out.append(item.archive_path)
                    continue
                budget -= item.size
                files.append({"link": f"../{target}", "text": item.archive_path})
            archive.writestr(
                f"sections/{section.name}.html",
                render_to_string(
                    "privacy/archive/section.html",
                    {
                        "section": section,
                        "rows": [
                            [(key, _cell(value)) for key, value in row.items()] for row in rows
                        ],
                        "files": files,
                    },
                ),
            )
            index.append({"section": section, "count": len(rows), "files": len(files)})
        archive.writestr("style.css", STYLE)
        archive.writestr(
            "index.html",
            render_to_string(
                "privacy/archive/index.html",
                {
                    "person": user,
                    "index": index,
                    "left_out": result.left_out,
                    "made_at": timezone.now(),
                    "site_name": settings.RSE_SITE_NAME,
                },
            ),
        )
    result.size = path.stat().st_size
    return result

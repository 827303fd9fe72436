"""The deck as PDF: the PPTX converted by LibreOffice, so the handout is the same slides.

Needs LibreOffice (`soffice`; Debian: libreoffice-impress). Without it, or when it fails or takes
longer than `TIMEOUT_SECONDS`, `PdfUnavailable` (a kpi.domain.errors.Unavailable) says so; the
PPTX pack works regardless.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from kpi.domain.errors import Problem, Unavailable
from kpi.text import i18n

TIMEOUT_SECONDS = 180


class PdfUnavailable(Unavailable):
    """LibreOffice is not installed, failed to convert, or took too long."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def from_pptx(pptx: bytes) -> bytes:
    return convert([pptx])[0]


SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">\
<value>%s</value></prop></item>
</oor:items>
"""
"""The private profile's one setting: LibreOffice's locale (its *Locale setting*), which writes a
chart's numbers (its own locale data: the machine need not have the locale installed)."""


def convert(packs: Sequence[bytes]) -> list[bytes]:
    """Each PPTX pack as PDF, in order, by one LibreOffice run (its start costs more than a
    conversion), in the current language's locale: LibreOffice writes a chart's numbers by its
    own locale, not the pack's (a Danish pack's axes read `5.2` on a machine in English)."""
    program = soffice()
    if program is None:
        raise PdfUnavailable(Problem("export.no_libreoffice"))
    with tempfile.TemporaryDirectory(prefix="kpi-pdf-") as folder:
        sources = [Path(folder) / f"pack-{number}.pptx" for number in range(len(packs))]
        for source, pptx in zip(sources, packs, strict=True):
            source.write_bytes(pptx)
        profile = Path(folder) / "profile"  # a private profile: no clash with a running LibreOffice
        (profile / "user").mkdir(parents=True)
        registry = SETTINGS % i18n.language_tag()
        (profile / "user" / "registrymodifications.xcu").write_text(registry, encoding="utf-8")
        command = [program, f"-env:UserInstallation=file://{profile}", "--headless"]
        command += ["--convert-to", "pdf", "--outdir", folder, *map(str, sources)]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise PdfUnavailable(Problem("export.pdf_timeout", "", (("seconds", TIMEOUT_SECONDS),))) from None
        targets = [source.with_suffix(".pdf") for source in sources]
        if result.returncode != 0 or not all(target.exists() for target in targets):
            detail = (result.stderr or result.stdout).strip()[-300:]
            raise PdfUnavailable(Problem("export.pdf_failed", "", (("detail", detail),)))
        return [target.read_bytes() for target in targets]

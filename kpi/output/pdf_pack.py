"""The deck as PDF: the PPTX converted by LibreOffice, so the handout is the same slides.

Needs LibreOffice (`soffice`; Debian: libreoffice-impress). Without it, `PdfUnavailable` says
how to get it; the PPTX pack works regardless.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from kpi.text.i18n import t

TIMEOUT_SECONDS = 180


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed, or it failed to convert."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def from_pptx(pptx: bytes) -> bytes:
    program = soffice()
    if program is None:
        raise PdfUnavailable(t("export.no_libreoffice"))
    with tempfile.TemporaryDirectory(prefix="kpi-pdf-") as folder:
        source = Path(folder) / "pack.pptx"
        source.write_bytes(pptx)
        profile = Path(folder) / "profile"  # a private profile: no clash with a running LibreOffice
        result = subprocess.run(
            [
                program,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                folder,
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
        )
        target = Path(folder) / "pack.pdf"
        if result.returncode != 0 or not target.exists():
            raise PdfUnavailable(
                t("export.pdf_failed", detail=(result.stderr or result.stdout).strip()[-300:])
            )
        return target.read_bytes()

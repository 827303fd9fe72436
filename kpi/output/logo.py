"""Whether the bytes given as the company's logo are a picture the packs can wear.

The store took any file that began as a PNG or JPEG does: a 76 kB PNG of 20,000 × 20,000 pixels
then stopped every pack for everyone (Pillow refuses to open such an image, a "decompression
bomb"), and the PNG signature followed by text did too. A logo is opened when it is set, its
size read and its pixels decoded, and a pack leaves out one it cannot use rather than fail.
Pillow is imported only when a logo is looked at (it is most of a pack's memory).
"""

from __future__ import annotations

import io

MAX_SIDE = 2000
"""Pixels a logo may have a side: a slide's corner shows it 0.6 inches high."""
FORMATS = ("PNG", "JPEG", "MPO")
"""What PowerPoint shows everywhere (no SVG: python-pptx cannot place it). An MPO is a JPEG a
phone or camera wrote with more than one picture in it (Pillow names it apart): `as_stored`
keeps its first picture as a plain JPEG, which python-pptx places."""


def problem(data: bytes) -> tuple[str, tuple[tuple[str, object], ...]] | None:
    """What is wrong with `data` as a logo, as a catalogue key and its parameters; None when
    it is a PNG or JPEG of at most `MAX_SIDE` pixels a side that decodes whole."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            if image.format not in FORMATS:
                return "company.logo_not_image", ()
            if max(image.size) > MAX_SIDE:
                sides = (("width", image.width), ("height", image.height), ("limit", MAX_SIDE))
                return "company.logo_too_large", sides
            image.load()  # every pixel: a file cut short or damaged fails here
    except Image.DecompressionBombError:  # too many pixels to open at all
        return "company.logo_too_many_pixels", (("limit", MAX_SIDE),)
    except Exception:  # Pillow fails on damaged images in many ways: all are one problem
        return "company.logo_not_image", ()
    return None


def as_stored(data: bytes) -> bytes:
    """The logo as the store keeps it: as given, or an MPO's first picture as a plain JPEG."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        if image.format != "MPO":
            return data
        image.seek(0)
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=95)
        return out.getvalue()

"""Quotation regions of a text: where verbatim speech starts and ends."""

from __future__ import annotations

_OPEN = "“„«"
_CLOSE = "”»"


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each quoted stretch, quotation marks included.

    Curly and guillemet quotes pair by direction, straight double quotes by
    alternation; a quote left open runs to the end of the text.

    >>> quote_regions('He said, "We agree." Then “more”.')
    [(9, 20), (26, 32)]
    """
    regions: list[tuple[int, int]] = []
    opened: int | None = None
    straight = False
    for index, char in enumerate(text):
        if opened is None:
            if char in _OPEN or char == '"':
                opened, straight = index, char == '"'
        elif (straight and char == '"') or (not straight and char in _CLOSE):
            regions.append((opened, index + 1))
            opened = None
        elif not straight and char in _OPEN:
            # An opening mark inside an open curly quote starts a new quote
            # (a paragraph-style quote continuation), so the old one ends here.
            regions.append((opened, index))
            opened = index
    if opened is not None:
        regions.append((opened, len(text)))
    return regions


def inside(regions: list[tuple[int, int]], start: int, end: int) -> bool:
    """Tell whether ``[start, end)`` lies within one of ``regions``.

    >>> inside([(0, 10)], 2, 5)
    True
    """
    return any(a <= start and end <= b for a, b in regions)


def quoted_share(regions: list[tuple[int, int]], length: int) -> float:
    """Return the share of a text of ``length`` characters that lies inside quotes.

    >>> quoted_share([(0, 5)], 10)
    0.5
    """
    if length <= 0:
        return 0.0
    return sum(b - a for a, b in regions) / length

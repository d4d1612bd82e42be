"""Which legacy 8-bit charset undeclared bytes were written in (a name in cp1250 or cp1252?)."""

from __future__ import annotations

import functools

# Code pages an address book exported without saying its charset is likely written in.
CANDIDATES = ("cp1252", "cp1250", "cp1251", "cp1257", "cp1254", "cp1253")

# The letters beyond ASCII each language writes with. A reading whose letters all belong to
# one language is plausible; `Dvoøák` (cp1250's `Dvořák` read as cp1252) belongs to none.
_ALPHABETS = tuple(
    frozenset(letters)
    for letters in (
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "ąćęłńóśźż",  # Polish
        "áéíóöőúüű",  # Hungarian
        "čšžćđ",  # Slovenian, Croatian, Bosnian
        "ăâîșşțţ",  # Romanian
        "äöüß",  # German
        "àâæçéèêëîïôœùûüÿ",  # French
        "áéíñóúü",  # Spanish
        "áâãàçéêíóôõú",  # Portuguese
        "àèéìíîòóùú",  # Italian
        "áéíóúàèëïöü",  # Dutch
        "æøåé",  # Danish, Norwegian
        "åäöé",  # Swedish, Finnish
        "áðéíóúýþæö",  # Icelandic
        "çğıöşüâî",  # Turkish
        "āčēģīķļņōŗšūž",  # Latvian
        "ąčęėįšųūž",  # Lithuanian
        "äõöüšž",  # Estonian
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўђјљњћџѓќѕ",  # Cyrillic
        "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",  # Greek
    )
)


def _plausible(text: str) -> bool:
    """True when every letter beyond ASCII belongs to one language's alphabet."""
    letters = {c for c in text.casefold() if not c.isascii()}
    if not letters:
        return True
    if not all(c.isalpha() for c in letters):
        return False  # symbols (£, ¯, ³) where letters should be: the wrong code page
    return any(letters <= alphabet for alphabet in _ALPHABETS)


@functools.lru_cache(maxsize=1024)
def guess_legacy_charset(data: bytes, fallback: str = "cp1252") -> str:
    """The code page `data` (not UTF-8, no charset declared) was most likely written in.

    charset-normalizer rules out readings that are a mess (symbols and control characters
    inside words); of those left, the first whose letters one language writes with wins,
    the fallback first: a value too short to tell stays as the fallback reads it.
    """
    from charset_normalizer import from_bytes  # lazy: a second or two to import

    order = (fallback, *(c for c in CANDIDATES if c != fallback))
    results = from_bytes(data, cp_isolation=list(order), preemptive_behaviour=False)
    found = {r.encoding: r.chaos for r in results}
    if not found:
        return fallback
    least = min(found.values())
    clean = [c for c in order if c in found and found[c] <= least + 0.01]
    for charset in clean:
        if _plausible(data.decode(charset, "replace")):
            return charset
    return fallback if fallback in found else clean[0]

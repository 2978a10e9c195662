"""Other spellings of a real order number: each names no order, since numbers match exactly.

CO-CAP-10 matches an order number as sent: case-sensitive, no trimming, no normalisation. Each
class below holds the spellings a lenient lookup would take for the real number: letters' case
swapped, white space at either end, another Unicode form, and characters that are special in SQL
`LIKE` patterns in place of one of its characters. Each generator gives the class's inputs in a
fixed order, the first ones those a run always tries.
"""

from __future__ import annotations

import unicodedata

# White space a `strip()` removes that the schema allows (no control characters): a space, a
# no-break space, an em space, an ideographic space, a line separator.
SPACES = (" ", "\u00a0", "\u2003", "\u3000", "\u2028")
# Canonical singletons: NFC itself maps them to an ASCII letter (KELVIN SIGN -> K).
SINGLETONS = {"K": "\u212a"}
PATTERN = ("%", "_", "\\")


def _letters(number: str) -> list[int]:
    return [i for i, c in enumerate(number) if c.isalpha()]


def other_case(number: str) -> list[str]:
    """The number with every letter's case swapped, then with one letter's case swapped each."""
    found = [number.swapcase()]
    for i in _letters(number):
        found.append(number[:i] + number[i].swapcase() + number[i + 1 :])
    return _distinct(number, found)


def surrounding_whitespace(number: str) -> list[str]:
    """The number after and before each kind of white space (a leading space first)."""
    found = [f" {number}", f"{number} "]
    for space in SPACES[1:]:
        found += [f"{space}{number}", f"{number}{space}"]
    return _distinct(number, [*found, f"  {number}  "])


def unicode_forms(number: str) -> list[str]:
    """The number decomposed (NFD), one character decomposed, compatibility characters.

    A compatibility character (a fullwidth letter or digit) is one that NFKC folds into the
    number's own; a canonical singleton (KELVIN SIGN for K) is one NFC itself folds.
    """
    found = [unicodedata.normalize("NFD", number)]
    for i, char in enumerate(number):
        decomposed = unicodedata.normalize("NFD", char)
        if decomposed != char:
            found.append(number[:i] + decomposed + number[i + 1 :])
    for i, char in enumerate(number):
        if char in SINGLETONS:
            found.append(number[:i] + SINGLETONS[char] + number[i + 1 :])
        if char.isascii() and char.isalnum():
            found.append(number[:i] + chr(ord(char) - 0x20 + 0xFF00) + number[i + 1 :])
    return _distinct(number, found)


def pattern_characters(number: str) -> list[str]:
    """`%`, `_` or `\\` in place of a character: wildcards and the escape of a `LIKE` pattern.

    First a `%` for the number's tail, a `_` for one of its characters and a `\\` before one
    (under `ESCAPE '\\'` it stands for that character), then each at every place.
    """
    middle = len(number) // 2
    found = [number[:middle] + "%", number[:middle] + "_" + number[middle + 1 :]]
    found.append(number[:middle] + "\\" + number[middle:])
    for i in range(len(number)):
        for char in PATTERN:
            found.append(number[:i] + char + number[i + 1 :])
    return _distinct(number, found)


def _distinct(number: str, found: list[str]) -> list[str]:
    return [v for i, v in enumerate(found) if v != number and v not in found[:i]]

"""Keys one edit away from a valid key (the near-miss-keys class, CO-AUTH-01/near-miss-keys).

The scenarios send them; the reports redact them like the key itself, since each gives the key
away but for one character.
"""

from __future__ import annotations


def near_misses(key: str) -> tuple[list[str], list[str]]:
    """The near-miss-keys class: (its boundary keys, every key one edit away from `key`)."""
    middle = len(key) // 2
    letters = [i for i, c in enumerate(key) if c.swapcase() != c]

    def swapped(i: int) -> str:
        return key[:i] + key[i].swapcase() + key[i + 1 :]

    def changed(i: int) -> str:
        return key[:i] + ("0" if key[i] != "0" else "1") + key[i + 1 :]

    cases = (
        [swapped(i) for i in dict.fromkeys((letters[0], letters[len(letters) // 2], letters[-1]))]
        if letters
        else []
    )
    keep = [
        *([key.swapcase()] if letters else []),
        *cases[:1],
        key[:-1],
        key + "0",
        changed(len(key) - 1),
    ]
    others = [
        *cases[1:],
        key[1:],
        key[:middle] + key[middle + 1 :],
        "0" + key,
        key[:middle] + "0" + key[middle:],
        changed(0),
        changed(middle),
        key[:middle] + " " + key[middle:],
        key[:middle] + "\t" + key[middle:],
        "\xa0" + key,
        key + "\xa0",
    ]
    unique = [k for k in dict.fromkeys([*keep, *others]) if k and k != key]
    return [k for k in dict.fromkeys(keep) if k in unique], unique

"""Write `upstream_order_fields.json` from the upstream page's text; run by hand, never by a test.

    cd tests/spec/data && python extract_upstream_fields.py SEED.txt > upstream_order_fields.json

SEED.txt is the text of the Akinon Omnitron "CaptureOrder" page as copied (the seed document).
Only the field lines are kept: a name glued to `type[ · modifier]*` and Required/Optional, e.g.
`e_archive_urlstring · url · nullableOptional`, from the Body section and the 200 response.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

FIELD_LINE = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*?)(?P<type>string|integer|number|boolean|object|array)"
    r"(?P<modifiers>(?: · [a-z0-9-]+)*)(?P<presence>Required|Optional)$"
)


def parse_fields(lines: list[str]) -> list[dict[str, Any]]:
    """The field lines among `lines`; any other line ending in Required/Optional is an error."""
    fields = []
    for line in lines:
        if not line.endswith(("Required", "Optional")):
            continue
        match = FIELD_LINE.match(line)
        if not match:
            raise SystemExit(f"unparsed field line: {line!r}")
        modifiers = [m for m in match["modifiers"].split(" · ") if m]
        formats = [m for m in modifiers if m not in ("nullable", "enum")]
        if len(formats) > 1:
            raise SystemExit(f"two formats in one field line: {line!r}")
        fields.append(
            {
                "name": match["name"],
                "type": match["type"],
                "format": formats[0] if formats else None,
                "nullable": "nullable" in modifiers,
                "enum": "enum" in modifiers,
                "required": match["presence"] == "Required",
            }
        )
    return fields


def main(seed: Path) -> None:
    """Print the JSON document: where it came from, then one field a line."""
    text = seed.read_text("utf-8")
    lines = [line.strip() for line in text.splitlines()]
    body, responses = lines.index("Body"), lines.index("Responses")
    ok = lines.index("200", responses)
    source = {
        "page": 'Akinon Omnitron API reference, the "CaptureOrder" operation '
        "(POST /api/v1/capture-order/), as its text was copied into the seed document",
        "seed_document": seed.name,
        "seed_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "seed_date": "none given: the page's text ends with 'Last updated' and no date",
        "extracted": "every field line of the Body section (request_body) and of the 200 "
        "response (response_200), in the page's order: name, type, format (the modifier "
        "that is not nullable or enum, as the page writes it), nullable, enum, and "
        "Required (true) or Optional (false); descriptions, examples and enum values are "
        "not on the page's field lines and are not kept",
        "by": "tests/spec/data/extract_upstream_fields.py, run by hand",
    }
    sections = {"request_body": lines[body:responses], "response_200": lines[ok:]}
    out = ['{\n  "source": ' + json.dumps(source, indent=4).replace("\n}", "\n  }") + ","]
    for i, (key, section) in enumerate(sections.items()):
        rows = ",\n".join(f"    {json.dumps(field)}" for field in parse_fields(section))
        out.append(f'  "{key}": [\n{rows}\n  ]' + ("," if i < len(sections) - 1 else ""))
    print("\n".join(out) + "\n}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

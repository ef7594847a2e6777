#!/usr/bin/env python3
"""openapi.yaml as swift-openapi-generator can take it: each `anyOf`/`oneOf` member that is
just `{type: 'null'}` is removed (the generator drops a property with such a member altogether,
so `input`, `base` and `convention` would be missing from the Swift client), and a composition
left with one member becomes that member. The Swift client then leaves such a field out instead
of sending null, which the service reads the same way.
Usage: without_null_branches.py IN OUT
"""

import sys

import yaml


def strip(node):
    if isinstance(node, list):
        return [strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: strip(value) for key, value in node.items()}
    for key in ("anyOf", "oneOf"):
        if key in node and "discriminator" not in node:
            members = [m for m in node[key] if m != {"type": "null"}]
            if len(members) == 1:
                del node[key]
                node = {**members[0], **node}
            else:
                node[key] = members
    return node


def main(source: str, target: str) -> None:
    document = yaml.safe_load(open(source, encoding="utf-8"))
    with open(target, "w", encoding="utf-8") as out:
        yaml.safe_dump(strip(document), out, sort_keys=False, allow_unicode=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

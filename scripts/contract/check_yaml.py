#!/usr/bin/env python3
"""openapi.yaml as a YAML 1.1 loader reads it (PyYAML's safe_load, like SnakeYAML inside
openapi-generator), with no text cut short.

A plain scalar inside a flow mapping `{ ... }` ends at the first `, ` or `: `, so a description
there can be cut silently, its rest turned into junk keys. So: no flow mappings at all; flow
sequences hold only scalars; and every schema object's keys are schema keywords (a junk key,
from any cause, fails).
Usage: check_yaml.py [openapi.yaml]
"""

import sys

import yaml

# JSON Schema 2020-12 and OpenAPI 3.1 schema-object keywords used or likely to be used.
SCHEMA_KEYWORDS = {
    "$ref", "$id", "$schema", "$comment", "$defs", "type", "enum", "const", "format", "title",
    "description", "default", "examples", "example", "deprecated", "readOnly", "writeOnly",
    "nullable", "discriminator", "xml", "externalDocs", "multipleOf", "maximum", "minimum",
    "exclusiveMaximum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems",
    "minItems", "uniqueItems", "maxContains", "minContains", "contains", "prefixItems", "items",
    "maxProperties", "minProperties", "required", "properties", "patternProperties",
    "additionalProperties", "propertyNames", "dependentRequired", "dependentSchemas",
    "unevaluatedProperties", "unevaluatedItems", "allOf", "anyOf", "oneOf", "not", "if", "then",
    "else", "contentEncoding", "contentMediaType", "contentSchema",
}
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SUBSCHEMAS = ("items", "not", "if", "then", "else", "contains", "additionalProperties",
              "propertyNames", "unevaluatedItems", "unevaluatedProperties")


def flow_style_problems(text: str) -> list[str]:
    problems = []
    depth = 0  # inside a flow sequence
    events = list(yaml.parse(text))
    for event, following in zip(events, events[1:] + [None]):
        mark = getattr(event, "start_mark", None)
        empty = isinstance(following, yaml.MappingEndEvent)  # `{}` holds no text to cut
        if isinstance(event, yaml.MappingStartEvent) and event.flow_style and not empty:
            problems.append(f"line {mark.line + 1}: a flow mapping; write it in block style")
        elif isinstance(event, yaml.SequenceStartEvent):
            depth += 1 if event.flow_style or depth else 0
        elif isinstance(event, yaml.SequenceEndEvent) and depth:
            depth -= 1
    return problems


def schema_problems(schema, where: str) -> list[str]:
    if not isinstance(schema, dict):
        return [] if isinstance(schema, bool) else [f"{where}: not a schema"]
    problems = [f"{where}: unknown key {key!r} (a cut description?)"
                for key in schema if key not in SCHEMA_KEYWORDS and not key.startswith("x-")]
    for key, value in (schema.get("properties") or {}).items():
        problems += schema_problems(value, f"{where}/properties/{key}")
    for key in SUBSCHEMA_LISTS:
        for i, value in enumerate(schema.get(key) or []):
            problems += schema_problems(value, f"{where}/{key}/{i}")
    for key in SUBSCHEMAS:
        if key in schema and not isinstance(schema[key], bool):
            problems += schema_problems(schema[key], f"{where}/{key}")
    return problems


def every_schema(node, where=""):
    """The schema objects of the document: components.schemas and every `schema` member."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema":
                yield f"{where}/schema", value
            elif key == "schemas" and where == "/components":
                for name, schema in value.items():
                    yield f"/components/schemas/{name}", schema
            elif key not in ("example", "examples"):
                yield from every_schema(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from every_schema(value, f"{where}/{i}")


def main(path: str) -> int:
    text = open(path, encoding="utf-8").read()
    document = yaml.safe_load(text)  # raises on what YAML 1.1 cannot read
    problems = flow_style_problems(text)
    for where, schema in every_schema(document):
        problems += schema_problems(schema, where)
    for problem in problems:
        print(f"{path}: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"{path}: PyYAML safe_load ok, block style, no junk keys")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "openapi.yaml"))

"""schemathesis hooks (SCHEMATHESIS_HOOKS=schemathesis_hooks, scripts/ on PYTHONPATH).

The JSON Lines routes (/cce/lines, /bce/lines) describe their body as bytes (a string of format
binary, what client generators send as a file) whose `contentSchema` is the array of its lines.
Before the schema is loaded, each such body's schema is replaced by its contentSchema, so
schemathesis generates lines rather than random bytes; the serializer sends each item as one
line, so schemathesis runs them instead of skipping an unknown media type.
"""

import json

import schemathesis


def _line(value):
    # JSON text with no raw newline (json.dumps escapes the ones inside strings).
    return json.dumps(value, separators=(",", ":"), allow_nan=True, default=str).encode() + b"\n"


@schemathesis.hook
def before_load_schema(ctx, raw_schema):
    schemas = raw_schema.get("components", {}).get("schemas", {})
    for operations in raw_schema.get("paths", {}).values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            for media_type in ("application/x-ndjson", "application/jsonl"):
                schema = content.get(media_type, {}).get("schema")
                if schema is None:
                    continue
                if "$ref" in schema:
                    schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
                content[media_type]["schema"] = schema["contentSchema"]


@schemathesis.serializer("application/x-ndjson", "application/jsonl")
def ndjson(ctx, value):
    if isinstance(value, list):
        return b"".join(_line(item) for item in value)
    return _line(value)  # a negative case that is not an array: one line

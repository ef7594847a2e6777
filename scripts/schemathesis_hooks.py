"""schemathesis hooks (SCHEMATHESIS_HOOKS=schemathesis_hooks, scripts/ on PYTHONPATH).

The JSON Lines routes (/cce/lines, /bce/lines) describe their body as the array of its lines;
this serializer sends each item as one line, so schemathesis runs them instead of skipping an
unknown media type.
"""

import json

import schemathesis


def _line(value):
    # JSON text with no raw newline (json.dumps escapes the ones inside strings).
    return json.dumps(value, separators=(",", ":"), allow_nan=True, default=str).encode() + b"\n"


@schemathesis.serializer("application/x-ndjson", "application/jsonl")
def ndjson(ctx, value):
    if isinstance(value, list):
        return b"".join(_line(item) for item in value)
    return _line(value)  # a negative case that is not an array: one line

"""Serializers schemathesis lacks for the import upload's media types.

Loaded through SCHEMATHESIS_HOOKS by scripts/src/schemathesis-run.ts.
"""

import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    """One JSON value per line: each generated item of an array, else the value itself."""
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode("utf-8")

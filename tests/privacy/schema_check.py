"""A small structural check of data against the JSON Schema subset export_schema.json uses
(type, const, properties, required, additionalProperties, items, $ref, date formats): enough
to prove the export keeps its documented shape, without a new dependency."""

from datetime import date, datetime

TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def is_type(value, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, TYPES[name])


def errors(value, schema: dict, root: dict | None = None, path: str = "$") -> list[str]:
    root = root or schema
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return errors(value, root["$defs"][name], root, path)
    found = []
    if "const" in schema and value != schema["const"]:
        return [f"{path}: {value!r} is not {schema['const']!r}"]
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(is_type(value, t) for t in types):
            return [f"{path}: {type(value).__name__} is not {'/'.join(types)}"]
    if isinstance(value, str) and schema.get("format") == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            found.append(f"{path}: {value!r} is not a date")
    if isinstance(value, str) and schema.get("format") == "date-time":
        try:
            if datetime.fromisoformat(value).tzinfo is None:
                found.append(f"{path}: {value!r} has no offset")
        except ValueError:
            found.append(f"{path}: {value!r} is not a date and time")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        found += [f"{path}: {key!r} is missing" for key in schema.get("required", []) if key not in value]
        if schema.get("additionalProperties") is False:
            found += [f"{path}: {key!r} is not in the schema" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                found += errors(item, properties[key], root, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += errors(item, schema["items"], root, f"{path}[{index}]")
    return found

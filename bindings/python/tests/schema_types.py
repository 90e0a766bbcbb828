"""How the library's field types (memvid_sdk.results.SCHEMA) are written in the type stubs."""

_SCALARS = {"bool": "bool", "int": "int", "float": "float", "str": "str", "time": "int",
            "span": "List[int]", "bytes": "bytes", "json": "Any"}
# Python class names that differ from the library's type names.
_CLASS_NAMES = {}


def annotation(schema_type: str) -> str:
    """The stub annotation for a schema type: 'Hit[]' -> 'List[Hit]', 'int?' -> 'Optional[int]'."""
    if schema_type.endswith("?"):
        return f"Optional[{annotation(schema_type[:-1])}]"
    if schema_type.endswith("[]"):
        return f"List[{annotation(schema_type[:-2])}]"
    if schema_type.startswith("enum:"):
        return "str"
    return _SCALARS.get(schema_type, _CLASS_NAMES.get(schema_type, schema_type))

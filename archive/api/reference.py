"""The API's OpenAPI description, read into what the reference page (/api/v1/) lists: each
address with what it takes and what it answers, and each kind of object with its fields."""

from dataclasses import dataclass, field

from drf_spectacular.generators import SchemaGenerator


@dataclass
class Parameter:
    name: str
    where: str
    type: str
    description: str


@dataclass
class Endpoint:
    path: str
    summary: str
    description: str
    parameters: list
    answer: str  # the name of the object (or list of objects) it answers with
    anchor: str


@dataclass
class Member:
    name: str
    type: str
    description: str


@dataclass
class Component:
    name: str
    description: str
    members: list = field(default_factory=list)


def type_of(schema):
    """A schema's type as a reader says it: "string (uri)", "list of FilmSummary", "Image, or
    null", "one of review, interview, feature"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    alternatives = schema.get("oneOf") or schema.get("allOf")
    types = schema.get("type", "any")
    types = types if isinstance(types, list) else [types]
    nullable = "null" in types or any(part.get("type") == "null" for part in alternatives or [])
    if alternatives:
        parts = [type_of(part) for part in alternatives if part.get("type") != "null"]
        kind = " or ".join(dict.fromkeys(parts))
    elif "array" in types:
        kind = f"list of {type_of(schema.get('items', {}))}"
    elif "enum" in schema:
        kind = "one of " + ", ".join(str(value) for value in schema["enum"] if value is not None)
    else:
        kind = " or ".join(name for name in types if name != "null")
        if "format" in schema:
            kind += f" ({schema['format']})"
    return f"{kind}, or null" if nullable else kind


def described():
    """The endpoints and components of the API's description, for the reference page."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    endpoints = []
    for path, operations in schema["paths"].items():
        operation = operations["get"]
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
        endpoints.append(
            Endpoint(
                path=path,
                summary=operation.get("summary", ""),
                description=operation.get("description", ""),
                parameters=[
                    Parameter(
                        p["name"], p["in"], type_of(p.get("schema", {})), p.get("description", "")
                    )
                    for p in operation.get("parameters", [])
                ],
                answer=type_of(answer),
                anchor=operation["operationId"],
            )
        )
    return {
        "info": schema["info"],
        "endpoints": endpoints,
        "components": [
            Component(
                name,
                component.get("description", ""),
                [
                    Member(member, type_of(details), details.get("description", ""))
                    for member, details in component.get("properties", {}).items()
                ],
            )
            for name, component in components.items()
        ],
    }

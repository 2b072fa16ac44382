#!/usr/bin/env python3
"""Generate qdstudio/_models.py from the server's OpenAPI document.

    python3 tools/generate_models.py --openapi openapi.json            # rewrite qdstudio/_models.py
    python3 tools/generate_models.py --openapi http://127.0.0.1:3000/api/openapi.json --check

Every schema under components.schemas becomes a TypedDict, every JSON request
body an `<Operation>Body` TypedDict, and OPERATIONS maps each operationId to
its method and path (the client builds its URLs from it). `--check` exits 1
with a diff when the committed file differs from what the document gives, so
the models cannot drift from the server (`npx tsx scripts/python-models.ts`
runs this against lib/api/openapi.ts; a unit test runs the check).
Standard library only.
"""
import argparse
import difflib
import json
import keyword
import os
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(os.path.dirname(HERE), "qdstudio", "_models.py")
# Request bodies too open to type field by field (the experiment configuration is a large union).
UNTYPED_BODIES = {"createExperiment"}


def load(source):
    if source == "-":
        return json.load(sys.stdin)
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as res:
            return json.loads(res.read().decode("utf-8"))
    with open(source, encoding="utf-8") as f:
        return json.load(f)


def _pascal(name):
    return name[:1].upper() + name[1:]


class Generator:
    def __init__(self, doc):
        self.doc = doc
        self.classes = []  # rendered class blocks, dependencies first
        self.names = set()

    def type_of(self, schema, hint):
        """The Python annotation for a JSON schema; `hint` names nested object types."""
        if not schema:
            return "Any"
        if "$ref" in schema:
            return '"%s"' % schema["$ref"].rsplit("/", 1)[-1]
        for key in ("anyOf", "oneOf"):
            if key in schema:
                options = [self.type_of(s, hint) for s in schema[key]]
                nullable = "None" in options
                options = [o for o in dict.fromkeys(options) if o != "None"]
                inner = options[0] if len(options) == 1 else "Union[%s]" % ", ".join(options)
                return "Optional[%s]" % inner if nullable else inner
        types = schema.get("type")
        if isinstance(types, list):
            rest = [t for t in types if t != "null"]
            inner = self.type_of(dict(schema, type=rest[0]) if len(rest) == 1 else {}, hint)
            return "Optional[%s]" % inner if "null" in types else inner
        if "enum" in schema:
            return "Literal[%s]" % ", ".join(json.dumps(v) for v in schema["enum"])
        if "const" in schema:
            return "Literal[%s]" % json.dumps(schema["const"])
        if types == "string":
            return "str"
        if types == "integer":
            return "int"
        if types == "number":
            return "float"
        if types == "boolean":
            return "bool"
        if types == "null":
            return "None"
        if types == "array":
            return "List[%s]" % self.type_of(schema.get("items") or {}, hint + "Item")
        if types == "object":
            if schema.get("properties"):
                return '"%s"' % self.typed_dict(hint, schema)
            extra = schema.get("additionalProperties")
            return "Dict[str, %s]" % (self.type_of(extra, hint + "Value") if isinstance(extra, dict) else "Any")
        return "Any"

    def typed_dict(self, name, schema, doc=None):
        if name in self.names:
            return name
        self.names.add(name)
        props = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        fields = []
        for field, sub in props.items():
            if not field.isidentifier() or keyword.iskeyword(field):
                raise SystemExit("cannot express field %r of %s as a TypedDict attribute" % (field, name))
            fields.append((field, self.type_of(sub, name + _pascal(field)), field in required, sub.get("description")))

        def block(cls, base, items, total):
            lines = ["class %s(%s%s):" % (cls, base, "" if total else ", total=False")]
            text = doc or schema.get("description")
            if text and cls == name:
                lines.append('    """%s"""' % text.replace('"""', "'''"))
            for field, annotation, _, description in items:
                if description:
                    lines.append("    # %s" % description.replace("\n", " "))
                lines.append("    %s: %s" % (field, annotation))
            if len(lines) == 1:
                lines.append("    pass")
            return "\n".join(lines)

        req = [f for f in fields if f[2]]
        opt = [f for f in fields if not f[2]]
        if req and opt:
            self.classes.append(block("_%sRequired" % name, "TypedDict", req, True))
            self.classes.append(block(name, "_%sRequired" % name, opt, False))
        else:
            self.classes.append(block(name, "TypedDict", fields, bool(req) or not fields))
        return name

    def render(self):
        components = self.doc.get("components", {}).get("schemas", {})
        for name, schema in components.items():
            if schema.get("type") == "object":
                self.typed_dict(name, schema)
        operations = []
        for path, methods in self.doc.get("paths", {}).items():
            for method, op in methods.items():
                op_id = op.get("operationId")
                if not op_id:
                    continue
                operations.append((op_id, method.upper(), path))
                body = (((op.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema")
                if body and op_id not in UNTYPED_BODIES and body.get("type") == "object" and body.get("properties"):
                    self.typed_dict(_pascal(op_id) + "Body", body, "Request body of %s %s." % (method.upper(), path))
        info = self.doc.get("info", {})
        out = [
            '"""Request and response models of the QD Studio REST API.',
            "",
            "GENERATED by tools/generate_models.py from the server's OpenAPI document",
            "(%s, version %s). Do not edit: regenerate with" % (info.get("title", "?"), info.get("version", "?")),
            "`npx tsx scripts/python-models.ts` (a test fails when this file drifts).",
            '"""',
            "# fmt: off",
            "import sys",
            "from typing import Any, Dict, List, Optional, Tuple, Union",
            "",
            "if sys.version_info >= (3, 8):",
            "    from typing import Literal, TypedDict",
            "else:  # pragma: no cover",
            "    raise ImportError('qdstudio needs Python 3.8 or newer')",
            "",
            "__all__ = [%s]" % ", ".join(json.dumps(n) for n in ["OPERATIONS"] + sorted(n for n in self.names if not n.startswith("_"))),
            "",
            "# operationId -> (HTTP method, path template)",
            "OPERATIONS: Dict[str, Tuple[str, str]] = {",
        ]
        out += ['    "%s": ("%s", "%s"),' % op for op in sorted(operations)]
        out += ["}", ""]
        for cls in self.classes:
            out += ["", cls, ""]
        return "\n".join(out).rstrip() + "\n"


def generate(doc):
    return Generator(doc).render()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--openapi", required=True, help="path or URL of the OpenAPI document ('-': stdin)")
    p.add_argument("--out", default=DEFAULT_OUT)
    p.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on a difference")
    args = p.parse_args(argv)
    text = generate(load(args.openapi))
    if args.check:
        current = open(args.out, encoding="utf-8").read() if os.path.exists(args.out) else ""
        if current != text:
            sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), text.splitlines(True), args.out, "generated"))
            print("\n%s is out of date: run `npx tsx scripts/python-models.ts`" % args.out, file=sys.stderr)
            return 1
        return 0
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

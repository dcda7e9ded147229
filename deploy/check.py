#!/usr/bin/env python3
"""Checks Kubernetes manifests as the API server would, strictly: every
document of every YAML file given (by default, those under deploy/ but
schemas/) against its kind's schema, an unknown field being an error.

Kubernetes' own kinds are checked with the schemas PyPI's
`kubernetes-validate` ships; SpinKube's SpinApp against its CRD in
schemas/. Prints one line per resource; exits 1 naming the file, the
resource and the field of each problem.

    python3 deploy/check.py [FILE.yaml ...]
"""

import copy
import pathlib
import sys

import jsonschema
import kubernetes_validate
import yaml

HERE = pathlib.Path(__file__).resolve().parent
KUBERNETES_VERSION = "1.34.0"
CRDS = [HERE / "schemas" / "core.spinkube.dev_spinapps.yaml"]


def strict(schema):
    """The schema with unknown fields refused wherever it lists the known
    ones, as `kubectl apply --validate=strict` refuses them."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if (
                "properties" in node
                and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")
            ):
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def custom_schemas():
    """(apiVersion, kind) -> the strict schema, from the CRDs."""
    schemas = {}
    for path in CRDS:
        crd = yaml.safe_load(path.read_text())
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            schema = version["schema"]["openAPIV3Schema"]
            # apiVersion, kind and metadata are the API server's to check.
            schema["properties"]["metadata"] = {"type": "object"}
            schemas[(f"{group}/{version['name']}", kind)] = strict(schema)
    return schemas


def where(error):
    return ".".join(str(part) for part in error.absolute_path) or "(top)"


def check(path, schemas):
    problems = []
    for document in yaml.safe_load_all(path.read_text()):
        if document is None:
            continue
        kind = document.get("kind", "?")
        name = document.get("metadata", {}).get("name", "?")
        label = f"{path}: {kind}/{name}"
        schema = schemas.get((document.get("apiVersion"), kind))
        try:
            if schema is not None:
                jsonschema.validate(document, schema)
            else:
                kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        except jsonschema.ValidationError as error:
            problems.append(f"{label}: {where(error)}: {error.message}")
            continue
        except kubernetes_validate.utils.SchemaNotFoundError as error:
            problems.append(f"{label}: {error.message}")
            continue
        print(f"ok {label}")
    return problems


def main(arguments):
    paths = [pathlib.Path(argument) for argument in arguments] or sorted(
        path for path in HERE.rglob("*.yaml") if "schemas" not in path.parts
    )
    schemas = custom_schemas()
    problems = [problem for path in paths for problem in check(path, schemas)]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

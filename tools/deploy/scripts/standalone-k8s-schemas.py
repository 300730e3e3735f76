"""Turns the strict Kubernetes JSON schemas bundled in a kubernetes-validate wheel into the layout
kubeconform reads offline: one self-contained file per kind (`<kind>-<group>-<version>.json`).

The wheel's files point at a shared `/api/_definitions.json` by absolute URL, which kubeconform
would try to download; each output file carries the definitions it reaches under its own `$defs`.

Usage: standalone-k8s-schemas.py <wheel> <kubernetes version, e.g. 1.34.0> <output dir>
"""
import json
import os
import re
import sys
import zipfile

REF = re.compile(r"^(?:/api/_definitions\.json)?#/\$defs/(.+)$")


def rewrite_refs(node, found):
    """Points every $ref at the local `#/$defs/<name>` and collects the names it points at."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            match = REF.match(ref)
            if not match:
                raise ValueError(f"unexpected $ref {ref!r}")
            node["$ref"] = "#/$defs/" + match.group(1)
            found.append(match.group(1))
        for value in node.values():
            rewrite_refs(value, found)
    elif isinstance(node, list):
        for value in node:
            rewrite_refs(value, found)


def main(wheel, version, out_dir):
    prefix = f"kubernetes_validate/kubernetes-json-schema/v{version}-local-strict/"
    with zipfile.ZipFile(wheel) as archive:
        names = [name for name in archive.namelist() if name.startswith(prefix) and name.endswith(".json")]
        if not names:
            sys.exit(f"{wheel} has no strict schemas for Kubernetes {version}")
        definitions = json.loads(archive.read(prefix + "_definitions.json"))["$defs"]
        depends_on = {}
        for name, definition in definitions.items():
            depends_on[name] = []
            rewrite_refs(definition, depends_on[name])

        os.makedirs(out_dir, exist_ok=True)
        written = 0
        for name in names:
            if name.endswith("/_definitions.json"):
                continue
            schema = json.loads(archive.read(name))
            pending = []
            rewrite_refs(schema, pending)
            reached = set()
            while pending:
                current = pending.pop()
                if current not in reached:
                    reached.add(current)
                    pending.extend(depends_on[current])
            schema.pop("$id", None)
            schema["$defs"] = {key: definitions[key] for key in sorted(reached)}
            with open(os.path.join(out_dir, name[len(prefix):]), "w") as handle:
                json.dump(schema, handle, separators=(",", ":"))
            written += 1
    print(f"{written} schemas for Kubernetes {version} in {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])

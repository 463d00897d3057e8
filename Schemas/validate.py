#!/usr/bin/env python3
"""Validates Cupola manifests against the published schemas.

usage: validate.py LIBRARY_GALLERIES_DIR
Checks index.json against cupola.index/1 and every */manifest.json against cupola.gallery/1;
prints one line per problem and exits 1 if there is any.
"""
import json
import pathlib
import sys

import jsonschema

here = pathlib.Path(__file__).resolve().parent
gallery_schema = json.loads((here / "cupola.gallery-1.schema.json").read_text())
index_schema = json.loads((here / "cupola.index-1.schema.json").read_text())

galleries = pathlib.Path(sys.argv[1])
problems = []
checked = 0
for path, schema in [(galleries / "index.json", index_schema)] + [
    (p, gallery_schema) for p in sorted(galleries.glob("*/manifest.json"))
]:
    validator = jsonschema.Draft202012Validator(schema)
    for error in validator.iter_errors(json.loads(path.read_text())):
        problems.append(f"{path}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
    checked += 1
for line in problems:
    print(line)
print(f"checked {checked} files, {len(problems)} problems")
sys.exit(1 if problems or checked == 0 else 0)

#!/usr/bin/env python3
"""Validates Cupola manifests against the published schemas.

usage: validate.py LIBRARY_GALLERIES_DIR
Checks index.json against cupola.index/1 and every */manifest.json against cupola.gallery/2 (or /1
for a library not yet upgraded). For a paged manifest it also checks every page against
cupola.page/1 and the manifest's promises about it: the file exists, its SHA-256, size and frame
count match, it names the same gallery, no frame is in two pages, frames follow the documented
order across pages, no page file lies in pages/ that the manifest does not list, and a theme's
frames (which name their mission gallery) lead to renditions in that gallery.
Prints one line per problem and exits 1 if there is any.
"""
import hashlib
import json
import pathlib
import sys

import jsonschema

here = pathlib.Path(__file__).resolve().parent
schemas = {p.name: json.loads(p.read_text()) for p in here.glob("*.schema.json")}


def validator(name):
    """A validator for one schema file that resolves references to its sibling files."""
    schema = schemas[name]
    try:
        from referencing import Registry, Resource

        registry = Registry().with_resources(
            (s["$id"], Resource.from_contents(s)) for s in schemas.values())
        return jsonschema.Draft202012Validator(schema, registry=registry)
    except ImportError:  # jsonschema before 4.18 (Debian bookworm's python3-jsonschema)
        store = {s["$id"]: s for s in schemas.values()}
        resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
        return jsonschema.Draft202012Validator(schema, resolver=resolver)


validators = {
    "cupola.index/1": validator("cupola.index-1.schema.json"),
    "cupola.gallery/1": validator("cupola.gallery-1.schema.json"),
    "cupola.gallery/2": validator("cupola.gallery-2.schema.json"),
    "cupola.page/1": validator("cupola.page-1.schema.json"),
}
problems = []
checked = 0


def check(path, document, schema):
    global checked
    checked += 1
    for error in validators[schema].iter_errors(document):
        problems.append(f"{path}: {'/'.join(map(str, error.absolute_path))}: {error.message}")


def order_key(frame):
    captured = frame.get("captured")
    return (captured is None, (captured or "").encode(), frame["id"].encode(), frame["source"].encode())


def check_pages(manifest_path, manifest):
    folder = manifest_path.parent
    gallery = manifest.get("gallery", {}).get("id")
    seen, previous, total = set(), None, 0
    listed = set()
    for entry in manifest.get("pages", []):
        page_path = folder / entry["path"]
        listed.add(page_path.name)
        if not page_path.is_file():
            problems.append(f"{page_path}: listed in {manifest_path} but missing")
            continue
        data = page_path.read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            problems.append(f"{page_path}: SHA-256 differs from the manifest's")
        if len(data) != entry["bytes"]:
            problems.append(f"{page_path}: {len(data)} bytes, the manifest says {entry['bytes']}")
        page = json.loads(data)
        check(page_path, page, "cupola.page/1")
        if page.get("gallery") != gallery:
            problems.append(f"{page_path}: gallery {page.get('gallery')!r}, the manifest's is {gallery!r}")
        frames = page.get("frames", [])
        total += len(frames)
        if len(frames) != entry["frameCount"]:
            problems.append(f"{page_path}: {len(frames)} frames, the manifest says {entry['frameCount']}")
        for frame in frames:
            identity = (frame["id"], frame["source"])
            if identity in seen:
                problems.append(f"{page_path}: frame {frame['id']} ({frame['source']}) is in two pages")
            seen.add(identity)
            originals = frame.get("originals")
            if originals and (originals[0]["path"], originals[0]["format"], originals[0]["bytes"], originals[0]["sha256"]) != (
                    frame["source"], frame["format"], frame["bytes"], frame["sha256"]):
                problems.append(f"{page_path}: frame {frame['id']}: the first of its originals is not its source")
            home = frame.get("gallery")
            if home is not None:
                # A theme's frame lives in its mission gallery: its renditions must lead there.
                if not (galleries / home / "manifest.json").is_file():
                    problems.append(f"{page_path}: frame {frame['id']} names gallery {home!r}, which has no manifest")
                for name, rendition in frame.get("renditions", {}).items():
                    if not rendition["path"].startswith(f"../{home}/"):
                        problems.append(f"{page_path}: frame {frame['id']} rendition {name} is not in ../{home}/")
            key = order_key(frame)
            if previous is not None and key < previous:
                problems.append(f"{page_path}: frame {frame['id']} is out of order")
            previous = key
    if total != manifest.get("frameCount"):
        problems.append(f"{manifest_path}: frameCount {manifest.get('frameCount')}, its pages hold {total}")
    pages_folder = folder / "pages"
    if pages_folder.is_dir():
        for extra in sorted(p for p in pages_folder.iterdir() if p.name not in listed):
            problems.append(f"{extra}: in pages/ but not listed in the manifest")


galleries = pathlib.Path(sys.argv[1])
index_path = galleries / "index.json"
check(index_path, json.loads(index_path.read_text()), "cupola.index/1")
for manifest_path in sorted(galleries.glob("*/manifest.json")):
    manifest = json.loads(manifest_path.read_text())
    schema = manifest.get("schema") if manifest.get("schema") in validators else "cupola.gallery/2"
    check(manifest_path, manifest, schema)
    if schema == "cupola.gallery/2":
        check_pages(manifest_path, manifest)
for line in problems:
    print(line)
print(f"checked {checked} files, {len(problems)} problems")
sys.exit(1 if problems or checked == 0 else 0)

#!/usr/bin/env python3
"""Validates a library's IIIF documents (DIR/iiif) and prints a JSON report on stdout.

  iiif-check.py DIR BASE_URL

Presentation 3 documents (Collections, Manifests) are validated with the iiif-prezi3 package's
models; level-0 Image API services (info.json) are checked by hand (required properties, level 0),
and every URL under BASE_URL that a document names must be a file in DIR (renditions, linked
image sizes, referenced manifests). Exit 2 when iiif-prezi3 is missing, 0 otherwise.
"""
import json
import os
import sys
import urllib.parse

try:
    from iiif_prezi3 import Collection, Manifest
except ImportError:
    print("python iiif-prezi3 is not installed (Scripts/install-deps.sh installs it)", file=sys.stderr)
    sys.exit(2)


def urls(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id" and isinstance(item, str):
                yield item
            else:
                yield from urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from urls(item)


def main():
    root, base = sys.argv[1], sys.argv[2]
    report = {"collections": 0, "manifests": 0, "canvases": 0, "services": 0, "problems": []}
    problems = report["problems"]
    for folder, _, names in os.walk(os.path.join(root, "iiif")):
        for name in sorted(names):
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, root)
            if not name.endswith(".json") or name == "pages.json" or os.path.islink(path):
                continue
            try:
                with open(path, encoding="utf-8") as handle:
                    document = json.load(handle)
            except (OSError, ValueError) as error:
                problems.append(f"{relative}: {error}")
                continue
            kind = document.get("type")
            try:
                if kind == "Collection":
                    Collection(**document)
                    report["collections"] += 1
                elif kind == "Manifest":
                    Manifest(**document)
                    report["manifests"] += 1
                    report["canvases"] += len(document.get("items", []))
                elif kind == "ImageService3":
                    report["services"] += 1
                    for key in ["@context", "id", "type", "protocol", "profile", "width", "height", "sizes"]:
                        if key not in document:
                            problems.append(f"{relative}: no {key}")
                    if document.get("profile") != "level0":
                        problems.append(f"{relative}: profile {document.get('profile')}")
                    for size in document.get("sizes", []):
                        image = os.path.join(folder, "full", f"{size['width']},{size['height']}", "0", "default.jpg")
                        if not os.path.isfile(image):
                            problems.append(f"{relative}: no image at {os.path.relpath(image, root)}")
                    if urllib.parse.unquote(document.get("id", "")) + "/info.json" != base + relative:
                        problems.append(f"{relative}: id {document.get('id')} is not where the file is served")
                    continue
                else:
                    problems.append(f"{relative}: unknown type {kind}")
                    continue
            except Exception as error:  # pydantic's ValidationError and friends
                problems.append(f"{relative}: {str(error).splitlines()[0]} {str(error)[:400]}")
                continue
            if urllib.parse.unquote(document["id"]) != base + relative:
                problems.append(f"{relative}: id {document['id']} is not where the file is served")
            for url in urls(document):
                if not url.startswith(base):
                    problems.append(f"{relative}: {url} is not under {base}")
                elif "/canvas/" in url:
                    continue
                elif url.startswith(base + "iiif/") and "/images/" in url:
                    if not os.path.isfile(os.path.join(root, urllib.parse.unquote(url[len(base):]), "info.json")):
                        problems.append(f"{relative}: no service at {url}")
                elif not os.path.isfile(os.path.join(root, urllib.parse.unquote(url[len(base):]))):
                    problems.append(f"{relative}: {url} names no file")
    # A systematic fault repeats for every frame: the first few say it, the count says how often.
    report["problemCount"] = len(problems)
    report["problems"] = problems[:20]
    json.dump(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

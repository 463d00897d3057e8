"""Reads a gallery's frames from a paged manifest (cupola.gallery/2) or an older one (/1)."""
import json
import pathlib


def frames(manifest_path):
    manifest_path = pathlib.Path(manifest_path)
    manifest = json.loads(manifest_path.read_text())
    if "frames" in manifest:
        return manifest["frames"]
    result = []
    for page in manifest["pages"]:
        result += json.loads((manifest_path.parent / page["path"]).read_text())["frames"]
    return result

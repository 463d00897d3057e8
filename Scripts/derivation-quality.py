#!/usr/bin/env python3
"""How close each library's thumbs are to an ideal one: Lanczos3 from every decoded pixel of the
original (`vips thumbnail_image`, no shrink-on-load), at the thumb's exact size.

    python3 Scripts/derivation-quality.py SOURCES_PARENT LIBRARY...

SOURCES_PARENT is the folder that holds the SOURCE folders (manifests name originals as
`<source>/<file>`). The libraries must hold the same frames, e.g. one regenerated the default way
and one with --from-originals. Prints the mean absolute difference on 0..255, mean and worst.

The figures in docs/DESIGN-NOTES.md: two copies of a library ingested from the bench's 48 full-size
frames (`make bench` leaves them in /tmp/cupola-bench/full-size), thumb size set to 200 in each
copy's cupola.toml, `cupola regenerate` in one and `cupola regenerate --from-originals` in the
other, then `python3 Scripts/derivation-quality.py /tmp/cupola-bench COPY1 COPY2`.
"""
import json, os, statistics, subprocess, sys, tempfile, glob
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cupola_pages  # noqa: E402

parent, libraries = sys.argv[1], sys.argv[2:]
work = tempfile.mkdtemp()
results = {library: [] for library in libraries}


def mean_abs_difference(a, b):
    subprocess.run(["vips", "subtract", a, b, f"{work}/d.v"], check=True)
    subprocess.run(["vips", "abs", f"{work}/d.v", f"{work}/a.v"], check=True)
    return float(subprocess.run(["vips", "avg", f"{work}/a.v"], capture_output=True, text=True, check=True).stdout)


for manifest in sorted(glob.glob(f"{libraries[0]}/galleries/*/manifest.json")):
    gallery = os.path.basename(os.path.dirname(manifest))
    for frame in cupola_pages.frames(manifest):
        thumb = frame["renditions"]["thumb"]
        reference = f"{work}/{frame['id']}.v"
        subprocess.run(["vips", "thumbnail_image", os.path.join(parent, frame["source"]), reference,
                        str(thumb["width"]), "--height", str(thumb["height"]), "--size", "force"], check=True)
        for library in libraries:
            results[library].append(mean_abs_difference(f"{library}/galleries/{gallery}/{thumb['path']}", reference))
for library, values in results.items():
    print(f"{library}: {len(values)} thumbs, difference from the full-decode Lanczos3 reference: "
          f"mean {statistics.mean(values):.3f}, worst {max(values):.3f}")

#!/usr/bin/python3
"""The work of check.sh: one row per model of corpus.tsv (see there)."""
import json
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnx  # noqa: E402
from count_weights import count  # noqa: E402

here, work = sys.argv[1], sys.argv[2]
modelmeter = shlex.split(os.environ["MODELMETER"])


def model_file(pkg, path):
    base = os.path.join(work, "packages", pkg.replace("/", "_").replace("@", "_"), "package")
    if ":" not in path:
        return os.path.join(base, path)
    # a model stored in chunks named by hash (imgly's resources.json): joined once into WORKDIR
    index, key = path.split(":")
    out = os.path.join(work, "joined", key.strip("/").replace("/", "_") + ".onnx")
    if not os.path.exists(out):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        res = json.load(open(os.path.join(base, "dist", index)))
        with open(out, "wb") as f:
            for chunk in res[key]["chunks"]:
                f.write(open(os.path.join(base, "dist", chunk["hash"]), "rb").read())
    return out


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


print("| model | params (modelmeter) | params (independent) | stored weights (modelmeter) | outputs vs onnxruntime |")
print("| --- | ---: | ---: | --- | --- |")
for line in open(os.path.join(here, "corpus.tsv")):
    if line.startswith("#") or not line.strip():
        continue
    pkg, path, shapes = line.rstrip("\n").split("\t")
    f = model_file(pkg, path)
    name = pkg.split("@")[-2].rstrip("@").split("/")[-1] + ": " + path.split("/")[-1]
    args = [] if shapes == "-" else [a for s in shapes.split() for a in ("--input", s)]
    rc, out, err = run(modelmeter + ["summary", f, "--format", "json"] + args)
    failed = None
    if rc != 0 and args:
        # the inputs as declared still give the parameters (shapes stay partial)
        failed = f"with {shapes}: exit {rc}: " + (err.strip().splitlines()[-1] if err.strip() else "")
        rc, out, err = run(modelmeter + ["summary", f, "--format", "json"])
    if rc != 0:
        print(f"| {name} | exit {rc}: {err.strip().splitlines()[-1] if err.strip() else ''} | | | |")
        continue
    s = json.loads(out)
    ours = s["params"]["total"]
    theirs = count(onnx.load(f))["params"]
    weights = ", ".join(f"{k} {v:,} B" for k, v in s["weight_bytes_by_dtype"].items()) or "none"
    _, ort_out, _ = run(["node", os.path.join(here, "ort_shapes.js"), f] + (shapes.split() if shapes != "-" else []))
    ort = json.loads(ort_out) if ort_out.strip() else {"error": "no output"}
    if "error" in ort:
        shapes_cell = "onnxruntime: " + ort["error"][:60]
    else:
        mine = {o["name"]: o["shape"] for o in s["outputs"]}
        same = [n for n in ort if mine.get(n) == ort[n]]
        differ = [f"{n} {mine.get(n)} vs {ort[n]}" for n in ort if mine.get(n) != ort[n]]
        shapes_cell = f"{len(same)}/{len(ort)} equal" + ("; " + "; ".join(differ) if differ else "")
    if failed:
        shapes_cell = failed
    mark = "=" if ours == theirs else "≠"
    print(f"| {name} | {ours:,} | {theirs:,} {mark} | {weights} | {shapes_cell} |")

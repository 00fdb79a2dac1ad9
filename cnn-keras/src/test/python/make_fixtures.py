"""Makes the Keras test fixtures of cnn-keras with Keras 3 itself (not run by the build).

    KERAS_BACKEND=jax python make_fixtures.py OUT_DIR

Writes small models in every format Keras 3 writes (.keras, .weights.h5, legacy .h5), a
channels_first model, and a Keras 1 style legacy file (Keras 1 argument names, Theano kernel
layout, written with h5py as Keras 1.2 laid its files out), each with a fixed input and the output
Keras computes for it in <name>.expected.json. The tests compare cnn4j's outputs with those.
"""

import json
import os
import sys

import h5py
import numpy as np

import keras
from keras import layers

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)


def randomize(model):
    """Weights far from their initial values, BN statistics included, so each is checked."""
    for w in model.weights:
        w.assign(rng.normal(0, 0.3, w.shape).astype("float32"))
    for layer in model._flatten_layers():
        if isinstance(layer, layers.BatchNormalization):
            layer.moving_variance.assign(
                rng.uniform(0.5, 1.5, layer.moving_variance.shape).astype("float32")
            )


def expect(name, model, x, channels_first=False):
    y = model.predict(x, verbose=0)
    ys = y if isinstance(y, list) else [y]
    x_nhwc = np.transpose(x, (0, 2, 3, 1)) if channels_first else x
    with open(os.path.join(out, name + ".expected.json"), "w") as f:
        json.dump(
            {
                "keras_version": keras.__version__,
                "input_shape": list(x_nhwc.shape),
                "input": x_nhwc.reshape(-1).tolist(),
                "outputs": [o.reshape(-1).tolist() for o in ys],
                "params": int(model.count_params()),
            },
            f,
        )


# A. Sequential, compiled.
seq = keras.Sequential(
    [
        keras.Input((12, 12, 3)),
        layers.Conv2D(4, 3, padding="same", activation="relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(2),
        layers.Dropout(0.25),
        layers.Flatten(),
        layers.Dense(5, activation="softmax"),
    ],
    name="small_sequential",
)
randomize(seq)
seq.compile(
    optimizer=keras.optimizers.Adam(0.002),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
x = rng.uniform(0, 1, (2, 12, 12, 3)).astype("float32")
seq.save(os.path.join(out, "k3_sequential.keras"))
seq.save_weights(os.path.join(out, "k3_sequential.weights.h5"))
seq.save(os.path.join(out, "k3_sequential_legacy.h5"))
expect("k3_sequential", seq, x)

# B. Functional: merges, padding, resizing, a nested frozen Sequential, a shared layer.
inp = keras.Input((10, 10, 3), name="image")
s = layers.Rescaling(1 / 2.0, offset=-0.25)(inp)
a = layers.Conv2D(6, 3, padding="same", activation="swish")(s)
b = layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(s)
b = layers.SeparableConv2D(6, 3, padding="same", use_bias=True)(b)
block = keras.Sequential(
    [
        keras.Input((10, 10, 6)),
        layers.Conv2D(6, 1),
        layers.BatchNormalization(),
        layers.ReLU(max_value=6.0),
    ],
    name="block",
)
block.trainable = False
c = block(a)
shared = layers.Conv2D(6, 3, padding="same", name="shared")
d1 = shared(b)
d2 = shared(c)
m = layers.Add()([d1, d2, a])
m2 = layers.Multiply()([layers.Activation("sigmoid")(d1), b])
m3 = layers.Subtract()([layers.Maximum()([d2, m2]), layers.Minimum()([a, b])])
cat = layers.Concatenate()([m, m3])
p = layers.ZeroPadding2D(((1, 0), (2, 1)))(cat)
p = layers.Cropping2D(((0, 1), (1, 1)))(p)
p = layers.UpSampling2D(2)(p)
p = layers.AveragePooling2D(2)(p)
p = layers.LayerNormalization()(p)
p = layers.LeakyReLU(negative_slope=0.1)(p)
p = layers.MaxPooling2D(3, strides=2, padding="same")(p)
q = layers.ELU()(layers.BatchNormalization()(p))
g1 = layers.GlobalAveragePooling2D()(q)
g2 = layers.GlobalMaxPooling2D()(q)
h = layers.Average()([g1, g2])
h = layers.Dense(8, activation="tanh")(h)
outp = layers.Dense(3)(h)
outp = layers.Softmax()(outp)
fun = keras.Model(inp, outp, name="small_functional")
randomize(fun)
fun.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
x = rng.uniform(0, 1, (2, 10, 10, 3)).astype("float32")
fun.save(os.path.join(out, "k3_functional.keras"))
fun.save(os.path.join(out, "k3_functional_legacy.h5"))
expect("k3_functional", fun, x)

# C. channels_first.
cf = keras.Sequential(
    [
        keras.Input((3, 8, 8)),
        layers.Conv2D(4, 3, data_format="channels_first", activation="relu"),
        layers.BatchNormalization(axis=1),
        layers.MaxPooling2D(2, data_format="channels_first"),
        layers.Flatten(),
        layers.Dense(4, activation="softmax"),
    ],
    name="channels_first",
)
randomize(cf)
x = rng.uniform(0, 1, (2, 3, 8, 8)).astype("float32")
cf.save(os.path.join(out, "k3_channels_first.keras"))
cf.save(os.path.join(out, "k3_channels_first_legacy.h5"))
expect("k3_channels_first", cf, x, channels_first=True)

# D. Keras 1.2 style file: Theano, 'th' ordering, Keras 1 names, Theano's flipped OIHW kernels.
k1 = keras.Sequential(
    [
        keras.Input((1, 9, 9)),
        layers.Conv2D(3, 3, data_format="channels_first", activation="relu"),
        layers.BatchNormalization(axis=1),
        layers.MaxPooling2D(2, data_format="channels_first"),
        layers.Flatten(data_format="channels_last"),
        layers.Dropout(0.5),
        layers.Dense(4, activation="softmax"),
    ]
)
randomize(k1)
kernel, bias = k1.layers[0].get_weights()
gamma, beta, mean, var = k1.layers[1].get_weights()
dense_k, dense_b = k1.layers[5].get_weights()
th_kernel = np.transpose(kernel[::-1, ::-1, :, :], (3, 2, 0, 1))
config = {
    "class_name": "Sequential",
    "config": [
        {"class_name": "Convolution2D", "config": {
            "name": "convolution2d_1", "trainable": True, "batch_input_shape": [None, 1, 9, 9],
            "input_dtype": "float32", "nb_filter": 3, "nb_row": 3, "nb_col": 3, "init": "glorot_uniform",
            "activation": "relu", "border_mode": "valid", "subsample": [1, 1], "dim_ordering": "th",
            "W_regularizer": None, "b_regularizer": None, "activity_regularizer": None,
            "W_constraint": None, "b_constraint": None, "bias": True}},
        {"class_name": "BatchNormalization", "config": {
            "name": "batchnormalization_1", "trainable": True, "epsilon": 0.001, "mode": 0, "axis": 1,
            "gamma_regularizer": None, "beta_regularizer": None, "momentum": 0.99}},
        {"class_name": "MaxPooling2D", "config": {
            "name": "maxpooling2d_1", "trainable": True, "pool_size": [2, 2], "strides": [2, 2],
            "border_mode": "valid", "dim_ordering": "th"}},
        {"class_name": "Flatten", "config": {"name": "flatten_1", "trainable": True}},
        {"class_name": "Dropout", "config": {"name": "dropout_1", "trainable": True, "p": 0.5}},
        {"class_name": "Dense", "config": {
            "name": "dense_1", "trainable": True, "output_dim": 4, "init": "glorot_uniform",
            "activation": "softmax", "W_regularizer": None, "b_regularizer": None,
            "activity_regularizer": None, "W_constraint": None, "b_constraint": None, "bias": True,
            "input_dim": 27}},
    ],
}
training = {
    "optimizer_config": {"class_name": "SGD", "config": {"lr": 0.01, "momentum": 0.9, "decay": 0.0, "nesterov": False}},
    "loss": "categorical_crossentropy", "metrics": ["accuracy"], "sample_weight_mode": None, "loss_weights": None,
}
weights = {
    "convolution2d_1": [("convolution2d_1_W", th_kernel), ("convolution2d_1_b", bias)],
    "batchnormalization_1": [("batchnormalization_1_gamma", gamma), ("batchnormalization_1_beta", beta),
                             ("batchnormalization_1_running_mean", mean), ("batchnormalization_1_running_std", var)],
    "maxpooling2d_1": [], "flatten_1": [], "dropout_1": [],
    "dense_1": [("dense_1_W", dense_k), ("dense_1_b", dense_b)],
}
with h5py.File(os.path.join(out, "keras1_theano_th.h5"), "w") as f:
    f.attrs["keras_version"] = b"1.2.2"
    f.attrs["model_config"] = json.dumps(config).encode("utf8")
    f.attrs["training_config"] = json.dumps(training).encode("utf8")
    g = f.create_group("model_weights")
    g.attrs["layer_names"] = [n.encode("utf8") for n in weights]
    g.attrs["backend"] = b"theano"
    g.attrs["keras_version"] = b"1.2.2"
    for name, ws in weights.items():
        lg = g.create_group(name)
        lg.attrs["weight_names"] = [w[0].encode("utf8") for w in ws]
        for wn, wv in ws:
            lg.create_dataset(wn, data=wv)
x = rng.uniform(0, 1, (2, 1, 9, 9)).astype("float32")
expect("keras1_theano_th", k1, x, channels_first=True)
print("wrote", sorted(os.listdir(out)))

# E. Keras 1.2 functional model: "Model" with 3-element nodes, Merge layers (concat, sum),
# TensorFlow backend (no kernel flip), 'tf' ordering.
inp = keras.Input((6, 6, 2), name="input_1")
c1 = layers.Conv2D(3, 3, padding="same", activation="relu", name="convolution2d_1")(inp)
c2 = layers.Conv2D(3, 1, name="convolution2d_2")(inp)
m1 = layers.Concatenate(axis=-1, name="merge_1")([c1, c2])
c3 = layers.Conv2D(6, 1, name="convolution2d_3")(m1)
m2 = layers.Add(name="merge_2")([c3, m1])
g = layers.GlobalAveragePooling2D(name="globalaveragepooling2d_1")(m2)
o = layers.Dense(3, activation="softmax", name="dense_1")(g)
k1f = keras.Model(inp, o)
randomize(k1f)


def conv_cfg(name, filters, k, mode, act):
    return {"name": name, "trainable": True, "nb_filter": filters, "nb_row": k, "nb_col": k,
            "init": "glorot_uniform", "activation": act, "border_mode": mode, "subsample": [1, 1],
            "dim_ordering": "tf", "W_regularizer": None, "b_regularizer": None,
            "activity_regularizer": None, "W_constraint": None, "b_constraint": None, "bias": True}


config = {"class_name": "Model", "config": {
    "name": "model_1",
    "layers": [
        {"class_name": "InputLayer", "name": "input_1", "inbound_nodes": [],
         "config": {"batch_input_shape": [None, 6, 6, 2], "input_dtype": "float32", "sparse": False, "name": "input_1"}},
        {"class_name": "Convolution2D", "name": "convolution2d_1", "inbound_nodes": [[["input_1", 0, 0]]],
         "config": conv_cfg("convolution2d_1", 3, 3, "same", "relu")},
        {"class_name": "Convolution2D", "name": "convolution2d_2", "inbound_nodes": [[["input_1", 0, 0]]],
         "config": conv_cfg("convolution2d_2", 3, 1, "valid", "linear")},
        {"class_name": "Merge", "name": "merge_1",
         "inbound_nodes": [[["convolution2d_1", 0, 0], ["convolution2d_2", 0, 0]]],
         "config": {"name": "merge_1", "mode": "concat", "concat_axis": -1, "mode_type": "raw",
                    "dot_axes": -1, "output_shape": None, "output_shape_type": "raw",
                    "output_mask": None, "output_mask_type": "raw", "arguments": {}}},
        {"class_name": "Convolution2D", "name": "convolution2d_3", "inbound_nodes": [[["merge_1", 0, 0]]],
         "config": conv_cfg("convolution2d_3", 6, 1, "valid", "linear")},
        {"class_name": "Merge", "name": "merge_2",
         "inbound_nodes": [[["convolution2d_3", 0, 0], ["merge_1", 0, 0]]],
         "config": {"name": "merge_2", "mode": "sum", "concat_axis": -1, "mode_type": "raw",
                    "dot_axes": -1, "output_shape": None, "output_shape_type": "raw",
                    "output_mask": None, "output_mask_type": "raw", "arguments": {}}},
        {"class_name": "GlobalAveragePooling2D", "name": "globalaveragepooling2d_1",
         "inbound_nodes": [[["merge_2", 0, 0]]],
         "config": {"name": "globalaveragepooling2d_1", "trainable": True, "dim_ordering": "tf"}},
        {"class_name": "Dense", "name": "dense_1", "inbound_nodes": [[["globalaveragepooling2d_1", 0, 0]]],
         "config": {"name": "dense_1", "trainable": True, "output_dim": 3, "init": "glorot_uniform",
                    "activation": "softmax", "W_regularizer": None, "b_regularizer": None,
                    "activity_regularizer": None, "W_constraint": None, "b_constraint": None,
                    "bias": True, "input_dim": None}},
    ],
    "input_layers": [["input_1", 0, 0]],
    "output_layers": [["dense_1", 0, 0]],
}}
with h5py.File(os.path.join(out, "keras1_functional_merge.h5"), "w") as f:
    f.attrs["keras_version"] = b"1.2.2"
    f.attrs["model_config"] = json.dumps(config).encode("utf8")
    g = f.create_group("model_weights")
    names = [l.name for l in k1f.layers]
    g.attrs["layer_names"] = [n.encode("utf8") for n in names]
    for layer in k1f.layers:
        lg = g.create_group(layer.name)
        ws = layer.get_weights()
        wn = [f"{layer.name}_W", f"{layer.name}_b"][: len(ws)]
        lg.attrs["weight_names"] = [n.encode("utf8") for n in wn]
        for n, v in zip(wn, ws):
            lg.create_dataset(n, data=v)
x = rng.uniform(0, 1, (2, 6, 6, 2)).astype("float32")
expect("keras1_functional_merge", k1f, x)
print("wrote keras1_functional_merge")

# F. A legacy weights-only file (Keras 2's model.save_weights("x.h5")): model_weights' layout at
# the root, no model config.
with h5py.File(os.path.join(out, "k3_sequential_legacy.h5"), "r") as src, h5py.File(
    os.path.join(out, "legacy_weights_only.h5"), "w"
) as dst:
    mw = src["model_weights"]
    for k, v in mw.attrs.items():
        dst.attrs[k] = v
    for name in mw:
        mw.copy(name, dst)
print("wrote legacy_weights_only.h5")

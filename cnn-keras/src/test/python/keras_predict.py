"""Opens files with Keras 3 and prints its predictions as JSON (run by KerasOpensOurFilesTest).

    python keras_predict.py INPUTS.json

INPUTS.json: [{"file": ..., "input_shape": [...], "input": [...]}, ...]; prints
[{"file": ..., "output": [...], "layers": N}, ...].
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402

import keras  # noqa: E402

out = []
for case in json.load(open(sys.argv[1])):
    model = keras.models.load_model(case["file"])
    x = np.asarray(case["input"], dtype="float32").reshape(case["input_shape"])
    y = model.predict(x, verbose=0)
    out.append({"file": case["file"], "output": np.asarray(y).reshape(-1).tolist(),
                "params": int(model.count_params()), "compiled": getattr(model, "optimizer", None) is not None})
print(json.dumps(out))

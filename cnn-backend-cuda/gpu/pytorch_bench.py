#!/usr/bin/env python3
"""W1/W2/W3 of shared/BENCHMARKS.md in PyTorch eager on the GPU, timed as cnn4j's Bench times them.

Training: Adam(lr=1e-3, eps=1e-7 as Keras), softmax + sparse categorical cross-entropy (on logits),
shuffled mini-batches copied from pinned host memory each step (as cnn4j uploads each batch);
images/s over windows of --window steps, the first window dropped as warm-up, median of the
windows, torch.cuda.synchronize() at each window's end. Inference: eval mode, batch 256 (W3 64),
median of --infer-reps passes after one warm-up pass. Prints RESULT lines like cnn4j's Bench.
"""
import argparse, gzip, os, statistics, time
import numpy as np
import torch
from torch import nn


def network(wl):
    conv = lambda i, o: [nn.Conv2d(i, o, 3), nn.ReLU()]
    if wl == "W1":
        feats = conv(1, 16) + [nn.MaxPool2d(2)] + conv(16, 32) + [nn.MaxPool2d(2)]
        head = [nn.Flatten(), nn.Linear(32 * 5 * 5, 64), nn.ReLU(), nn.Linear(64, 10)]
    elif wl == "W2":
        feats = conv(3, 32) + [nn.MaxPool2d(2)] + conv(32, 64) + [nn.MaxPool2d(2)] + conv(64, 64)
        head = [nn.Flatten(), nn.Linear(64 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10)]
    else:
        feats = (conv(3, 32) + [nn.MaxPool2d(2)] + conv(32, 64) + [nn.MaxPool2d(2)] + conv(64, 128)
                 + [nn.MaxPool2d(2)])
        head = [nn.Flatten(), nn.Linear(128 * 26 * 26, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10)]
    return nn.Sequential(*feats, *head)


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def data(wl, train, datasets):
    """NCHW float32 images and int64 labels; W1 from Fashion-MNIST when found, else synthetic."""
    if wl == "W1":
        d = os.path.join(datasets or "", "fashion-mnist")
        prefix = "train" if train else "t10k"
        if os.path.exists(os.path.join(d, prefix + "-images-idx3-ubyte.gz")):
            x = idx(os.path.join(d, prefix + "-images-idx3-ubyte.gz")).astype(np.float32)[:, None] / 255
            y = idx(os.path.join(d, prefix + "-labels-idx1-ubyte.gz")).astype(np.int64)
            return torch.from_numpy(x), torch.from_numpy(y), "fashion-mnist"
    n, h, c = {"W1": (60000 if train else 10000, 28, 1), "W2": (10240 if train else 2560, 32, 3),
               "W3": (640 if train else 256, 224, 3)}[wl]
    g = torch.Generator().manual_seed(42 if train else 43)
    return torch.rand(n, c, h, h, generator=g), torch.randint(0, 10, (n,), generator=g), "synthetic"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workload", default="W1")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--window", type=int, default=100)
    ap.add_argument("--max-steps", type=int, default=1000)
    ap.add_argument("--infer-reps", type=int, default=5)
    ap.add_argument("--datasets", default=os.environ.get("CNN4J_DATASETS", "/usr/share/datasets"))
    a = ap.parse_args()
    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = False  # FP32, as cnn4j's default
    torch.backends.cudnn.allow_tf32 = False
    dev = torch.device("cuda")
    torch.manual_seed(42)
    model = network(a.workload).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    x, y, source = data(a.workload, True, a.datasets)
    x, y = x.pin_memory(), y.pin_memory()
    tag = f"peer=pytorch-{torch.__version__} backend=cuda wl={a.workload} bs={a.batch} data={source}"

    rates, steps, epoch = [], 0, 0
    model.train()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    while steps < a.max_steps:
        order = torch.randperm(len(x), generator=torch.Generator().manual_seed(epoch))
        epoch += 1
        for s in range(0, len(x) - a.batch + 1, a.batch):
            i = order[s:s + a.batch]
            xb = x[i].pin_memory().to(dev, non_blocking=True)
            yb = y[i].pin_memory().to(dev, non_blocking=True)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            steps += 1
            if steps % a.window == 0:
                torch.cuda.synchronize()
                now = time.perf_counter()
                if steps > a.window:  # the first window is warm-up
                    rates.append(a.window * a.batch / (now - t0))
                t0 = time.perf_counter()
            if steps >= a.max_steps:
                break
    print(f"RESULT {tag} metric=train_img_s value={statistics.median(rates) if rates else float('nan'):.1f} "
          f"windows={[round(r, 1) for r in rates]}", flush=True)

    xt, _, _ = data(a.workload, False, a.datasets)
    ib = 64 if a.workload == "W3" else 256
    n = len(xt) // ib * ib
    xt = xt[:n].pin_memory()
    model.eval()
    infer = []
    with torch.no_grad():
        for rep in range(a.infer_reps + 1):
            torch.cuda.synchronize()
            t = time.perf_counter()
            for s in range(0, n, ib):
                model(xt[s:s + ib].to(dev, non_blocking=True)).softmax(1).cpu()
            torch.cuda.synchronize()
            if rep > 0:
                infer.append(n / (time.perf_counter() - t))
    print(f"RESULT {tag} metric=infer_img_s value={statistics.median(infer):.1f} inferBs={ib}", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Weight fixtures for SweepModelsTests (run by hand, never by CI):

    /opt/venv/bin/python Tests/Fixtures/make_weight_fixtures.py
    /opt/venv/bin/python Tests/Fixtures/make_weight_fixtures.py --check-swift-pth DIR
    /opt/venv/bin/python Tests/Fixtures/make_weight_fixtures.py --write-torch-resnet50 PATH

Writes Tests/Fixtures/weights/:
  resnet50_expected.json  features (2 x 2048) and logits (2 x 1000) of torchvision's resnet50
                          in eval mode, with every tensor filled by the counter-based generator
                          below (re-implemented bit for bit in Swift: CounterRandom + the test's
                          FixtureWeights), on two generated inputs; plus per-tensor sums and first
                          values so that the Swift test can tell a generator mismatch from a
                          network mismatch. No weights are committed.
  resnet50_200_expected.json  features (1 x 2048) of the same network on one generated 200 x 200
                          input (odd sizes from layer3 on: 25 -> 13 -> 7), for the trunk at a
                          size other than 224.
  small.pth               torch.save(state_dict) of a small model with conv, BatchNorm (int64
                          num_batches_tracked), linear, float16/bfloat16/float64 buffers and a
                          strided view with an offset into another buffer's storage.
  small.safetensors       the same tensors (made contiguous), same dtypes.
  small_expected.json     every value of those tensors as float32.

--check-swift-pth DIR checks files written by the Swift PthWriter (the SweepModels test
WeightFileTests, run with SWEEP_KEEP_WRITTEN_PTH=DIR): DIR/small.pth must torch.load and
DIR/small.safetensors safetensors-load to small_expected.json's values, DIR/resnet50-random.pth must load strictly into torchvision's
resnet50 and have torchvision's initialisation statistics.

--write-torch-resnet50 PATH torch.saves the fidelity fixture's full state_dict (100 MB, not
committed) for the test testTorchSavedResNet50 (run with SWEEP_TORCH_RESNET50_PTH=PATH).
"""
import argparse
import hashlib
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision
from safetensors.torch import load_file, save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights")
GAMMA = np.uint64(0x9E3779B97F4A7C15)


def fnv1a64(name):
    """FNV-1a 64 of the UTF-8 bytes: the stream of a tensor key (CounterRandom.stream)."""
    h = 0xCBF29CE484222325
    for b in name.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def splitmix64(stream, count):
    """Values 0..count-1 of a counter-based splitmix64 stream (CounterRandom.bits)."""
    with np.errstate(over="ignore"):
        z = np.uint64(stream) + (np.arange(count, dtype=np.uint64) + np.uint64(1)) * GAMMA
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def unit(name, count):
    """Uniform [0, 1) with 24 bits, as float64 (CounterRandom.unitFloat)."""
    return (splitmix64(fnv1a64(name), count) >> np.uint64(40)).astype(np.float64) * 2.0 ** -24


def fixture_values(key, shape):
    """The value of every tensor of the fidelity fixture (FixtureWeights.values in Swift)."""
    count = int(np.prod(shape)) if len(shape) else 1
    u = unit(key, count)
    s = 2.0 * u - 1.0
    if key.endswith("num_batches_tracked"):
        return np.array(int(u[0] * 1000), dtype=np.int64).reshape(shape)
    if len(shape) == 4:  # conv weight: uniform with the variance of kaiming fan_in (2 / fan_in)
        v = s * math.sqrt(6.0 / (shape[1] * shape[2] * shape[3]))
    elif key == "fc.weight":
        v = s * math.sqrt(3.0 / shape[1])
    elif key.endswith(".weight"):  # BatchNorm gamma; small on each block's bn3 (residual branch)
        v = 0.1 + 0.2 * u if ".bn3." in key else 0.5 + u
    elif key.endswith(".running_var"):
        v = 0.5 + 1.5 * u
    else:  # BatchNorm beta, running_mean, fc.bias
        v = 0.1 * s
    return v.astype(np.float32).reshape(shape)


def fixture_input(n=2, size=224, block=32):
    """Two NCHW images: 32x32 blocks of a random level each (so the images differ in layout,
    which survives the global pool) plus pixel noise (FixtureWeights.input in Swift)."""
    cells = size // block
    levels = (2.0 * unit("input.blocks", n * 3 * cells * cells) - 1.0).reshape(n, 3, cells, cells)
    levels = np.repeat(np.repeat(levels, block, axis=2), block, axis=3)
    noise = (2.0 * unit("input", n * 3 * size * size) - 1.0).reshape(n, 3, size, size)
    return (1.5 * levels + 0.5 * noise).astype(np.float32)


def fixture_model():
    """torchvision's resnet50 in eval mode with every tensor from fixture_values, and its state_dict."""
    model = torchvision.models.resnet50()
    sd = {k: torch.from_numpy(fixture_values(k, tuple(v.shape))) for k, v in model.state_dict().items()}
    model.load_state_dict(sd, strict=True)
    model.eval()
    return model, sd


def resnet50_fixture():
    model, sd = fixture_model()
    x = torch.from_numpy(fixture_input())  # (2, 3, 224, 224) NCHW
    trunk = nn.Sequential(*list(model.children())[:-1])
    with torch.no_grad():
        features = trunk(x).flatten(1)
        logits = model.fc(features)
        assert torch.equal(logits, model(x)) or torch.allclose(logits, model(x), rtol=1e-6, atol=1e-6)
        reference = nn.Sequential(*list(model.double().children())[:-1])(x.double()).flatten(1)
    f = features.numpy()
    scale = float(np.abs(f).max())
    fp32_noise = float((features.double() - reference).abs().max()) / scale
    nonzero = float((f != 0).mean())
    print(f"features: max {scale:.4g} mean {f.mean():.4g} std {f.std():.4g} nonzero {nonzero:.3f} "
          f"image distance {np.abs(f[0] - f[1]).max() / scale:.3g}; torch fp32 vs fp64 {fp32_noise:.2e}")
    print(f"logits: min {logits.min():.4g} max {logits.max():.4g} std {logits.std():.4g}")
    # Non-degenerate: not all zero, varied within an image, different between the images.
    assert np.isfinite(f).all() and np.isfinite(logits.numpy()).all()
    assert scale > 0 and nonzero > 0.5 and f.std() > 0.1 * abs(f.mean()) and f.std() > 0.05 * scale
    assert np.abs(f[0] - f[1]).max() > 0.05 * scale
    summary = {k: {"sum": float(v.double().sum()), "first": [float(t) for t in v.flatten()[:4].tolist()]}
               for k, v in sd.items()}
    summary["input"] = {"sum": float(x.double().sum()), "first": x.flatten()[:4].tolist()}
    doc = {"generator": "splitmix64 counter streams named by FNV-1a of the key; see make_weight_fixtures.py",
           "torch": torch.__version__, "torchvision": torchvision.__version__,
           "features": f.tolist(), "logits": logits.numpy().tolist(), "tensors": summary}
    with open(os.path.join(OUT, "resnet50_expected.json"), "w") as fh:
        json.dump(doc, fh)


def resnet50_other_size_fixture():
    model, _ = fixture_model()
    x = torch.from_numpy(fixture_input(n=1, size=200, block=40))  # (1, 3, 200, 200) NCHW
    trunk = nn.Sequential(*list(model.children())[:-1])
    with torch.no_grad():
        f = trunk(x).flatten(1).numpy()
    scale = float(np.abs(f).max())
    print(f"200x200 features: max {scale:.4g} std {f.std():.4g} nonzero {float((f != 0).mean()):.3f}")
    assert np.isfinite(f).all() and scale > 0 and f.std() > 0.05 * scale
    doc = {"torch": torch.__version__, "torchvision": torchvision.__version__, "size": 200, "block": 40,
           "features": f.tolist(), "input": {"sum": float(x.double().sum()), "first": x.flatten()[:4].tolist()}}
    with open(os.path.join(OUT, "resnet50_200_expected.json"), "w") as fh:
        json.dump(doc, fh)


class Small(nn.Module):
    """Every kind of state_dict entry the readers must handle, in a few hundred bytes."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, bias=False)
        self.bn = nn.BatchNorm2d(4)
        self.proj = nn.Conv2d(4, 6, 1)
        self.fc = nn.Linear(6, 3)
        table = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8 - 1
        self.register_buffer("table", table)
        # A strided view with a storage offset (1) into `table`'s storage: shape (5, 4), strides (1, 6).
        self.register_buffer("table_view", table.t()[1:])
        self.register_buffer("halves", torch.tensor([0.5, -1.25, 65504.0, 6.1035156e-05, 5.96e-08], dtype=torch.float16))
        self.register_buffer("bfloats", torch.tensor([1.5, -3.0e38, 0.0078125], dtype=torch.bfloat16))
        self.register_buffer("doubles", torch.tensor([[0.1, -2.0], [1e-3, 3.0]], dtype=torch.float64))


def small_fixture():
    torch.manual_seed(0)
    model = Small()
    with torch.no_grad():
        model.bn.weight.uniform_(0.5, 1.5)
        model.bn.bias.uniform_(-0.5, 0.5)
        model.bn.running_mean.uniform_(-0.5, 0.5)
        model.bn.running_var.uniform_(0.5, 2.0)
        model.bn.num_batches_tracked.fill_(7)
    sd = model.state_dict()
    assert sd["table_view"].storage_offset() == 1 and sd["table_view"].stride() == (1, 6)
    assert sd["table_view"].untyped_storage().data_ptr() == sd["table"].untyped_storage().data_ptr()
    torch.save(sd, os.path.join(OUT, "small.pth"))
    save_file({k: v.contiguous().clone() for k, v in sd.items()}, os.path.join(OUT, "small.safetensors"),
              metadata={"source": "make_weight_fixtures.py"})
    tensors = {k: {"shape": list(v.shape), "dtype": str(v.dtype).replace("torch.", ""),
                   "values": v.float().flatten().tolist()} for k, v in sd.items()}
    digests = {}
    for name in ("small.pth", "small.safetensors"):
        with open(os.path.join(OUT, name), "rb") as fh:
            digests[name] = hashlib.sha256(fh.read()).hexdigest()
    with open(os.path.join(OUT, "small_expected.json"), "w") as fh:
        json.dump({"tensors": tensors, "sha256": digests}, fh, indent=1)


def check_swift_pth(directory):
    """Files written by the Swift PthWriter load in torch (see the module docstring)."""
    small = torch.load(os.path.join(directory, "small.pth"), weights_only=True)
    with open(os.path.join(OUT, "small_expected.json")) as fh:
        expected = json.load(fh)["tensors"]
    assert sorted(small) == sorted(expected), (sorted(small), sorted(expected))
    for k, e in expected.items():
        assert list(small[k].shape) == e["shape"], k
        assert small[k].float().flatten().tolist() == e["values"], k
    assert small["bn.num_batches_tracked"].dtype == torch.int64
    print(f"small.pth: {len(small)} tensors equal to small_expected.json")
    st = load_file(os.path.join(directory, "small.safetensors"))
    assert sorted(st) == sorted(expected)
    for k, e in expected.items():
        assert st[k].dtype == torch.float32 and list(st[k].shape) == e["shape"], k
        assert st[k].flatten().tolist() == e["values"], k
    print(f"small.safetensors: {len(st)} tensors equal to small_expected.json (safetensors.torch.load_file)")
    sd = torch.load(os.path.join(directory, "resnet50-random.pth"), weights_only=True)
    model = torchvision.models.resnet50()
    model.load_state_dict(sd, strict=True)
    w = sd["layer3.0.conv2.weight"]
    print(f"resnet50-random.pth: loads strictly into torchvision resnet50; layer3.0.conv2 std {w.std():.5f} "
          f"(kaiming fan_out {math.sqrt(2 / (256 * 9)):.5f}); fc.weight range [{sd['fc.weight'].min():.4f}, "
          f"{sd['fc.weight'].max():.4f}] (bound {1 / math.sqrt(2048):.4f})")


def write_torch_resnet50(path):
    """torch.save of the fidelity fixture's full state_dict (100 MB, not committed), for the
    SweepModels test testTorchSavedResNet50 (SWEEP_TORCH_RESNET50_PTH=PATH)."""
    model, _ = fixture_model()
    torch.save(model.state_dict(), path)
    print(f"wrote {path}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check-swift-pth", metavar="DIR")
    parser.add_argument("--write-torch-resnet50", metavar="PATH")
    args = parser.parse_args()
    if args.check_swift_pth:
        check_swift_pth(args.check_swift_pth)
        return
    if args.write_torch_resnet50:
        write_torch_resnet50(args.write_torch_resnet50)
        return
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(2)
    small_fixture()
    resnet50_fixture()
    resnet50_other_size_fixture()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {OUT} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    sys.exit(main())

"""The whole `sweep embed` job in PyTorch, for `make bench`'s side-by-side figure.

Reads image paths (one a line) from argv[1], runs the notebook's preprocessing (PIL decode,
Resize((224, 224)), ToTensor, Normalize) and torchvision's resnet50 trunk (random weights: the
speed does not depend on them; eval mode, inference_mode, fc replaced by Identity) in batches of
64 on all cores, and writes the features as float32 .npy to argv[2]. Prints one line:
`images seconds`, timed from the first image read to the last feature written.
"""
import sys
import time

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision import transforms


def main():
    paths = [p for p in open(sys.argv[1]).read().split("\n") if p]
    out = sys.argv[2]
    torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else torch.get_num_threads())
    model = torchvision.models.resnet50()
    model.fc = torch.nn.Identity()
    model.eval()
    transform = transforms.Compose([transforms.Resize((224, 224)), transforms.ToTensor(),
                                    transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])
    start = time.perf_counter()
    features = []
    with torch.inference_mode():
        for i in range(0, len(paths), 64):
            batch = torch.stack([transform(Image.open(p).convert("RGB")) for p in paths[i:i + 64]])
            features.append(model(batch).numpy())
    np.save(out, np.concatenate(features).astype(np.float32))
    print(len(paths), time.perf_counter() - start)


if __name__ == "__main__":
    main()

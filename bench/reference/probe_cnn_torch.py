"""Reference for `veil bench train --model probe-cnn`: the same model, batch and optimiser in
PyTorch on the CPU (Debian's python3-torch), so the wasm engine is measured side by side.
Usage: python3 bench/reference/probe_cnn_torch.py [--threads 2] [--batch 32] [--seconds 10]
Not part of the product or its tests; prints one JSON line."""
import argparse, json, statistics, time
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument('--threads', type=int, default=2)
p.add_argument('--batch', type=int, default=32)
p.add_argument('--seconds', type=float, default=10)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)

def block(cin, cout, stride):
    return [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]

model = nn.Sequential(*block(64, 64, 1), *block(64, 128, 2), *block(128, 128, 1), *block(128, 256, 2),
                      nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(256, 128), nn.Linear(128, 40))
opt = torch.optim.Adam(model.parameters(), 1e-3)
x = torch.randn(a.batch, 64, 14, 14)
y = torch.randint(0, 40, (a.batch,))
loss_fn = nn.CrossEntropyLoss()

def step():
    opt.zero_grad()
    loss_fn(model(x), y).backward()
    opt.step()

for _ in range(3):
    step()
times = []
start = time.perf_counter()
while time.perf_counter() - start < a.seconds or len(times) < 3:
    t = time.perf_counter(); step(); times.append(time.perf_counter() - t)
total = time.perf_counter() - start
print(json.dumps({'model': 'probe-cnn', 'engine': f'pytorch {torch.__version__} cpu', 'threads': a.threads, 'batch': a.batch,
                  'imagesPerSecond': round(len(times) * a.batch / total, 1), 'stepMsMedian': round(statistics.median(times) * 1000, 1)}))

#!/usr/bin/env python3
"""Writes the battery's bad inputs into a scratch folder (standard library only, deterministic).

usage: make_fixtures.py OUT MNIST_DIR

OUT/png/    good.png (28x28 gray "1"), truncated.png, absurd.png (IHDR 2^31-1 square, valid CRC),
            huge.png (100000x100000, valid CRC), text.png, empty.png, noise.bin.png
OUT/idx/    bad copies of t10k-labels-idx1-ubyte: truncated, badmagic, wrongcount, flipped (data byte
            changed: right structure, wrong sha), short (count 9999 and 10007 bytes: consistent in
            itself, one label fewer than the 10000 test images); t10k-images truncated; emptytest/ holds
            both test files as well-formed IDX files of 0 images (keys emptytest-images, emptytest-labels)
OUT/idx/sha256.txt  "name sha256" for each of them (to make a file pass the sha check and reach the parser)
OUT/garbage.yaml    4 KiB of seeded random bytes (NULs, invalid UTF-8)
"""
import hashlib
import os
import random
import struct
import sys
import zlib

out, mnist = sys.argv[1], sys.argv[2]


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def chunk(kind, payload):
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(width, height, rows):
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# A light "1" on black, roughly where MNIST puts it.
rows = [[255 if 12 <= x <= 15 and 4 <= y <= 23 else 0 for x in range(28)] for y in range(28)]
good = png(28, 28, rows)
write(f"{out}/png/good.png", good)
write(f"{out}/png/truncated.png", good[:40])
write(f"{out}/png/absurd.png", png(0x7FFFFFFF, 0x7FFFFFFF, [[0]]))
write(f"{out}/png/huge.png", png(100000, 100000, [[0] * 16]))
write(f"{out}/png/text.png", b"this is not a PNG, just text\n")
write(f"{out}/png/empty.png", b"")
rng = random.Random(1)
write(f"{out}/png/noise.bin.png", bytes(rng.randrange(256) for _ in range(2048)))
write(f"{out}/garbage.yaml", bytes(rng.randrange(256) for _ in range(4096)))

with open(f"{mnist}/t10k-labels-idx1-ubyte", "rb") as f:
    labels = f.read()
with open(f"{mnist}/t10k-images-idx3-ubyte", "rb") as f:
    images = f.read()
bad = {
    "truncated/t10k-labels-idx1-ubyte": labels[:5000],
    "badmagic/t10k-labels-idx1-ubyte": struct.pack(">I", 0x00000999) + labels[4:],
    "wrongcount/t10k-labels-idx1-ubyte": labels[:4] + struct.pack(">I", 20000) + labels[8:],
    "flipped/t10k-labels-idx1-ubyte": labels[:500] + bytes([(labels[500] + 1) % 10]) + labels[501:],
    "short/t10k-labels-idx1-ubyte": labels[:4] + struct.pack(">I", 9999) + labels[8:-1],
    "truncimages/t10k-images-idx3-ubyte": images[:1_000_000],
}
os.makedirs(f"{out}/idx", exist_ok=True)
with open(f"{out}/idx/sha256.txt", "w") as sums:
    for name, data in bad.items():
        write(f"{out}/idx/{name}", data)
        sums.write(f"{name.split('/')[0]} {hashlib.sha256(data).hexdigest()}\n")
    # A test split of 0 images, well-formed: both files in one folder, so each has a key of its own.
    empty = {
        "emptytest-images": ("emptytest/t10k-images-idx3-ubyte", struct.pack(">IIII", 0x00000803, 0, 28, 28)),
        "emptytest-labels": ("emptytest/t10k-labels-idx1-ubyte", struct.pack(">II", 0x00000801, 0)),
    }
    for key, (name, data) in empty.items():
        write(f"{out}/idx/{name}", data)
        sums.write(f"{key} {hashlib.sha256(data).hexdigest()}\n")

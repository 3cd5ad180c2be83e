"""What the model scripts share about the files they fetch and write: their sha256.

Why this exists: build-e5-small.py checks downloads and built files against
e5-small.lock.json and records the sums in model.json, and quantize-int8.py
records the int8 graph's sum there too; both hash the same way (streamed, so a
wheel or a graph of hundreds of MB is never read into memory at once).
"""
import hashlib


def sha256_file(path):
    """The hex sha256 of the file at `path`."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()

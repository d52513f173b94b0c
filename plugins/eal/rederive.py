#!/usr/bin/env python3
"""Re-derive an EAL trial allocation from its revealed seed and frozen list, independently of
the Go code: procedure v1 of plugins/eal/README.md, with Python's standard library alone.

    python3 rederive.py [--wave N] [--commit] SEED FILE.csv

FILE.csv has the header school,stratum (a valid list: ealrandomise refuses the others). Prints
CSV school,stratum,arm in the file's order, or with --commit the commitment's line; either is
byte for byte what ealrandomise prints for the same seed, wave and file."""
import argparse, csv, hashlib, hmac, struct, sys, unicodedata

# Go's unicode.IsSpace: the characters step 1 turns into one space.
SPACE = set("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}


def normalise(s):
    s = "".join(" " if ch in SPACE else ch for ch in unicodedata.normalize("NFC", s))
    return " ".join(w for w in s.split(" ") if w)


def domain(what):
    return b"upwards/eal/randomise/v1/" + what.encode() + b"\x00"


def string(s):
    b = s.encode("utf-8")
    return struct.pack(">I", len(b)) + b


class Stream:
    def __init__(self, seed, wave, list_hash, label):
        self.seed, self.prefix = seed, domain("stream") + struct.pack(">I", wave) + list_hash + string(label)
        self.block, self.buf = 0, b""

    def next(self):
        if not self.buf:
            self.buf = hmac.new(self.seed, self.prefix + struct.pack(">Q", self.block), hashlib.sha256).digest()
            self.block += 1
        v, self.buf = struct.unpack(">Q", self.buf[:8])[0], self.buf[8:]
        return v

    def uniform(self, k):
        limit = 2**64 - (2**64 % k)
        while True:
            v = self.next()
            if v < limit:
                return v % k


def shuffle(stream, x):
    for i in range(len(x) - 1, 0, -1):
        j = stream.uniform(i + 1)
        x[i], x[j] = x[j], x[i]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wave", type=int, default=1)
    p.add_argument("--commit", action="store_true")
    p.add_argument("seed")
    p.add_argument("file")
    a = p.parse_args()
    seed = bytes.fromhex(a.seed)
    assert len(seed) == 32, "a seed is 64 hexadecimal digits"
    with open(a.file, encoding="utf-8-sig", newline="") as f:
        rows = [(normalise(r["school"]), normalise(r["stratum"])) for r in csv.DictReader(f)]
    # Step 1: canonical order, by stratum then school, comparing UTF-8 bytes.
    key = lambda i: (rows[i][1].encode(), rows[i][0].encode())
    canon = sorted(range(len(rows)), key=key)
    # Step 2: L.
    body = struct.pack(">II", a.wave, len(rows)) + b"".join(string(rows[i][1]) + string(rows[i][0]) for i in canon)
    list_hash = hashlib.sha256(domain("list") + body).digest()
    if a.commit:
        seed_hash = hashlib.sha256(domain("seed") + seed).digest()
        print("eal-randomise v1 wave=%d schools=%d list=%s seed=%s" % (a.wave, len(rows), list_hash.hex(), seed_hash.hex()))
        return
    # Step 5: each stratum, in canonical order.
    strata = {}
    for i in canon:
        strata.setdefault(rows[i][1], []).append(i)
    arm, odd = {}, []
    for name in sorted(strata, key=lambda s: s.encode()):
        x = strata[name][:]
        shuffle(Stream(seed, a.wave, list_hash, "stratum:" + name), x)
        h = len(x) // 2
        for t, i in enumerate(x[: 2 * h]):
            arm[i] = "intervention" if t < h else "control"
        if len(x) % 2:
            odd.append(x[-1])
    # Step 6: the odd schools.
    if odd:
        s = Stream(seed, a.wave, list_hash, "odd")
        shuffle(s, odd)
        b = s.uniform(2)
        for t, i in enumerate(odd):
            arm[i] = "intervention" if (t + b) % 2 == 0 else "control"
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["school", "stratum", "arm"])
    for i, (school, stratum) in enumerate(rows):
        w.writerow([school, stratum, arm[i]])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Write the .npy seed files of fuzz/corpus/npy and fuzz/corpus/npy_pair.

Plain Python (struct), no numpy: each file is built by hand from the
format spec (numpy.lib.format), so that the invalid seeds are invalid in
exactly one, named way. Run from anywhere; overwrites the seeds.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def npy(shape, values, descr="<f8", fortran=False, version=(1, 0),
        header=None, pack="<d"):
    """A .npy file: magic, version, header length, padded dict, data."""
    if header is None:
        shp = "(" + "".join(f"{n}, " for n in shape).rstrip(" ")
        shp = shp[:-1] + ")" if len(shape) > 1 else shp + ")"
        header = (f"{{'descr': '{descr}', 'fortran_order': "
                  f"{'True' if fortran else 'False'}, 'shape': {shp}, }}")
    pre = 10 if version[0] == 1 else 12
    h = header.encode("latin-1")
    pad = (64 - (pre + len(h) + 1) % 64) % 64
    h = h + b" " * pad + b"\n"
    lenfmt = "<H" if version[0] == 1 else "<I"
    data = b"".join(struct.pack(pack, v) for v in values)
    return (b"\x93NUMPY" + bytes(version) + struct.pack(lenfmt, len(h)) + h
            + data)


def write(sub, name, blob):
    d = os.path.join(HERE, "corpus", sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(blob)


def main():
    m23 = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    one = {
        "c_order_2x3.npy": npy((2, 3), m23),
        "fortran_2x3.npy": npy((2, 3), m23, fortran=True),
        "v2_header_3x2.npy": npy((3, 2), m23, version=(2, 0)),
        "v3_header_1x2.npy": npy((1, 2), [0.5, -0.25], version=(3, 0)),
        "wrong_dtype_f4.npy": npy((2, 2), [1, 2, 3, 4], descr="<f4",
                                  pack="<f"),
        "big_endian.npy": npy((1, 2), [1.0, 2.0], descr=">f8", pack=">d"),
        "three_dims.npy": npy((1, 1, 2), [1.0, 2.0]),
        "one_dim.npy": npy((3,), [1.0, 2.0, 3.0]),
        "truncated.npy": npy((4, 3), m23),
        "extra_bytes.npy": npy((1, 2), [1.0, 2.0, 3.0]),
        "nan_value.npy": npy((1, 2), [1.0, float("nan")]),
        "huge_shape.npy": npy((2**62, 4), []),
        "bad_dict.npy": npy(None, [], header="{'descr': '<f8', 'shape': (1,"),
        "bad_magic.npy": b"\x93NUMPZ\x01\x00\x10\x00{}" + b" " * 14,
        "zero_rows.npy": npy((0, 3), []),
    }
    for name, blob in one.items():
        write("npy", name, blob)
    pair = {
        "x3x2_y3.npy": npy((3, 2), m23) + npy((3,), [1.0, 2.0, 3.0]),
        "x1d_ycol.npy": npy((2,), [1.0, 2.0]) + npy((2, 1), [3.0, 4.0]),
        "fortran_x.npy": npy((3, 2), m23, fortran=True)
        + npy((3,), [0.0, 0.0, 1.0]),
        "mismatched_n.npy": npy((3, 2), m23) + npy((2,), [1.0, 2.0]),
        "y_two_cols.npy": npy((2, 1), [1.0, 2.0]) + npy((2, 2), [1, 2, 3, 4]),
        "y_missing.npy": npy((2, 1), [1.0, 2.0]),
    }
    for name, blob in pair.items():
        write("npy_pair", name, blob)


if __name__ == "__main__":
    main()

"""A QR code's modules as segno makes them (``segno.make(text, error="m", micro=False, mask=...)``), faster.

The data's bits are segno's, step by step as ``segno.encoder.encode`` takes them. Their error correction
is segno's arithmetic (its Galois tables and generator polynomials) a codeword at a time, through a table
of each byte's product with the polynomial, rather than a term at a time. Placing the bits in the symbol
and masking them depend only on the version and error level: segno's own functions make a template of
them once per pair (the function patterns, format and version information, and each data module's place
and mask bit, in the order ``add_codewords`` fills them), and a code is then its bits, masked as one
integer, gathered into the template in one call. tests/exports/test_qrcode.py holds the result to
segno's, module for module, over all forty versions.

Why (issue 24): a build of 10,000 circles makes 5,500 codes in each language. A flyer's code took
1.24 ms with segno (fixed mask, version 6, 300 codes), 0.35 ms with the template; with the error
correction and placement in bytes, 0.44 → 0.13 ms (2,000 addresses of version 6, one process, the
two side by side), and the PNG 0.62 → 0.32 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from itertools import zip_longest
from operator import itemgetter

from segno import consts, encoder

#: segno's error correction level M: 15 % of the code can be lost. segno raises it (to Q or H) when the
#: data fits the same version anyway, as here.
ERROR = consts.ERROR_LEVEL_M
#: The remainder bits after the codewords, by version, as make_final_message writes them (ISO/IEC 18004, 7.6).
REMAINDER = {**dict.fromkeys(range(2, 7), 7), **dict.fromkeys((*range(14, 21), *range(28, 35)), 3),
             **dict.fromkeys(range(21, 28), 4)}
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")  # bits, one a byte, as the digits int() reads
_BITS = bytes.maketrans(b"01", b"\x00\x01")


def qr_matrix(text: str, mask: int) -> list[bytearray]:
    """The QR code of ``text``: rows of modules, 1 dark and 0 light, as segno's ``Code.matrix``."""
    segments = encoder.prepare_data(text, None, None)
    version = encoder.find_version(segments, ERROR, eci=False, micro=False)
    error = encoder.boost_error_level(version, ERROR, segments, False)
    buff = encoder.Buffer()
    versions = encoder.version_range(version)
    for segment in segments:
        encoder.write_segment(buff, segment, None, versions, False)
    capacity = consts.SYMBOL_CAPACITY[version][error]
    encoder.write_terminator(buff, capacity, None, len(buff))
    encoder.write_padding_bits(buff, version, len(buff))
    encoder.write_pad_codewords(buff, version, capacity, len(buff))
    bits = buff.getbits()  # one byte a bit, 0 or 1
    data = int(bits[: len(bits) // 8 * 8].translate(_DIGITS) or b"0", 2).to_bytes(len(bits) // 8, "big")
    flat, reached, masks, gather, width = _layout(version, error, mask)
    message = _final_message(version, error, data)
    placed = format((int.from_bytes(message, "big") << reached - 8 * len(message)) ^ masks, f"0{reached}b")
    modules = gather(flat + placed.encode().translate(_BITS))
    return [bytearray(modules[start:start + width]) for start in range(0, len(modules), width)]


def _final_message(version: int, error: int, data: bytes) -> bytes:
    """segno's ``make_final_message`` in bytes: the data codewords in blocks, each block's error correction
    (Reed-Solomon, a byte at a time through a table of products, not a module at a time), interleaved."""
    blocks, corrections, start = [], [], 0
    for info in consts.ECC[version][error]:
        size = info.num_total - info.num_data
        products = _products(size)
        for _ in range(info.num_blocks):
            block = data[start:start + info.num_data]
            start += info.num_data
            blocks.append(block)
            left, top, full = 0, 8 * (size - 1), (1 << 8 * size) - 1
            for byte in block:  # the remainder of the division by the generator polynomial
                left = (left << 8 & full) ^ products[byte ^ left >> top]
            corrections.append(left.to_bytes(size, "big"))
    return bytes(code for group in (blocks, corrections) for row in zip_longest(*group) for code in row
                 if code is not None)


@cache
def _products(size: int) -> tuple[int, ...]:
    """For each byte, its product with the generator polynomial of ``size`` error codewords, as an integer."""
    log, exp, generator = consts.GALIOS_LOG, consts.GALIOS_EXP, consts.GEN_POLY[size]
    return (0, *(int.from_bytes(bytes(exp[log[value] + power] for power in generator), "big") for value in range(1, 256)))


@cache
def _layout(version: int, error: int, mask: int) -> tuple[bytes, int, int, Callable, int]:
    """The template (:func:`_template`) as one row of bytes; how many data modules a message reaches (its
    codewords' bits and the remainder bits, as make_final_message writes them); their mask bits, as an integer;
    what gathers the modules from the template followed by the message's bits; the width."""
    template, places = _template(version, error, mask)
    flat, width = b"".join(template), len(template)
    codewords = sum(info.num_total * info.num_blocks for info in consts.ECC[version][error])
    reached = min(len(places), 8 * codewords + REMAINDER.get(version, 0))
    index = list(range(len(flat)))
    for number, (i, j, _) in enumerate(places[:reached]):
        index[i * width + j] = len(flat) + number
    masks = int("".join(str(int(bit)) for _, _, bit in places[:reached]), 2)
    return flat, reached, masks, lambda values: bytes(itemgetter(*index)(values)), width


@cache
def _template(version: int, error: int, mask: int) -> tuple[tuple[bytes, ...], tuple[tuple[int, int, int], ...]]:
    """The symbol without data, and each data module's (row, column, mask bit) in placement order."""
    width = encoder.calc_matrix_size(version)
    matrix = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(matrix, width, width)
    encoder.add_alignment_patterns(matrix, width, width)
    # What find_and_apply_best_mask masks: the modules of no function pattern, nor the dark module.
    function = [bytearray(row) for row in matrix]
    function[-8][8] = 0x1
    # Where add_codewords puts each bit: give it the free modules' numbers instead of bits.
    numbered = [list(row) for row in matrix]
    free = sum(row.count(0x2) for row in matrix)
    encoder.add_codewords(numbered, [("bit", n) for n in range(free)], version)
    order = sorted((cell[1], i, j) for i, row in enumerate(numbered) for j, cell in enumerate(row)
                   if isinstance(cell, tuple))
    pattern = encoder.get_data_mask_functions(False)[mask]
    for i, row in enumerate(matrix):
        for j in range(width):
            if function[i][j] > 0x1:
                row[j] ^= pattern(i, j)  # a free module, as segno leaves one no bit reaches
    encoder.add_format_info(matrix, version, error, mask)
    encoder.add_version_info(matrix, version)
    places = tuple((i, j, pattern(i, j) if function[i][j] > 0x1 else 0) for _, i, j in order)
    return tuple(bytes(row) for row in matrix), places

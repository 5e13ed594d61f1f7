"""A QR code's modules as segno makes them (``segno.make(text, error="m", micro=False, mask=...)``), faster.

The data and its error correction are segno's, step by step as ``segno.encoder.encode`` takes them.
Placing the bits in the symbol and masking them, three quarters of segno's time, depend only on the
version and error level: segno's own functions make a template of them once per pair (the function
patterns, format and version information, and each data module's place and mask bit, in the order
``add_codewords`` fills them), and a code is then its bits laid into a copy of the template.
tests/exports/test_qrcode.py holds the result to segno's, module for module, over every version the
addresses use.

Why (issue 24): a flyer's code took 1.24 ms with segno (fixed mask, version 6, 300 codes), 0.35 ms
here; a build of 10,000 circles makes 5,500 codes in each language.
"""

from __future__ import annotations

from functools import cache

from segno import consts, encoder

#: segno's error correction level M: 15 % of the code can be lost. segno raises it (to Q or H) when the
#: data fits the same version anyway, as here.
ERROR = consts.ERROR_LEVEL_M


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
    bits = encoder.make_final_message(version, error, buff).getbits()
    template, places = _template(version, error, mask)
    rows = [bytearray(row) for row in template]
    for (i, j, masked), bit in zip(places, bits):
        rows[i][j] = masked ^ bit
    return rows


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

import pytest

from ner.model.windows import token_windows


@pytest.mark.parametrize("n, size, overlap", [(5, 10, 2), (10, 10, 3), (11, 10, 3), (100, 16, 4), (1000, 254, 64), (0, 8, 2)])
def test_windows_cover_and_ownership_partitions(n, size, overlap):
    ws = token_windows(n, size, overlap)
    assert all(w.end - w.start <= size for w in ws)
    owned = [i for w in ws for i in range(w.own_start, w.own_end)]
    assert owned == list(range(n))  # every token owned exactly once, in order
    assert all(w.start <= w.own_start <= w.own_end <= w.end for w in ws)
    for a, b in zip(ws, ws[1:]):
        assert a.end - b.start >= overlap  # consecutive windows share at least `overlap` tokens


def test_owned_token_sees_context_on_both_sides():
    ws = token_windows(1000, 100, 40)
    for w in ws[1:-1]:
        assert w.own_start - w.start >= 15 and w.end - w.own_end >= 15


@pytest.mark.parametrize("size, overlap", [(0, 0), (10, 10), (10, -1)])
def test_bad_window_settings(size, overlap):
    with pytest.raises(ValueError):
        token_windows(50, size, overlap)

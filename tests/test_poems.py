"""lmvis.datasets.poems: the shipped file, its split, the form measures, and the wheel."""

import hashlib
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import torch
from lmvis.datasets.poems import (
    N_POEMS,
    form_counts,
    is_poem,
    load_poems,
    poem_groups,
    poem_lines,
    split_poems,
    write_poems,
)

ROOT = Path(__file__).resolve().parents[1]
QUATRAIN = "床前明月光，疑是地上霜。举头望明月，低头思故乡。"


@pytest.fixture(scope="module")
def poems():
    return load_poems()


def test_the_file_holds_every_poem_with_its_shape(poems):
    assert len(poems) == N_POEMS == 17_871
    assert all(is_poem(p) for p in poems)
    assert {len(p) for p in poems} == {24, 48}


def test_a_wrong_checksum_is_refused():
    with pytest.raises(RuntimeError, match="checksum mismatch"):
        load_poems(expected_sha256="0" * 64)
    with pytest.raises(ValueError, match="expected_sha256"):
        load_poems(expected_sha256="abc")


def test_verified_bytes_names_what_is_wrong(tmp_path):
    from lmvis.datasets import sha256_file, verified_bytes

    f = tmp_path / "data.txt"
    f.write_bytes(b"poem")
    digest = sha256_file(f)
    assert digest == hashlib.sha256(b"poem").hexdigest()
    assert verified_bytes(str(f), digest, missing_hint="hint") == b"poem"
    with pytest.raises(RuntimeError, match=f"expected SHA-256 {'0' * 64}, got {digest}"):
        verified_bytes(f, "0" * 64, missing_hint="hint")
    with pytest.raises(RuntimeError, match=r"none\.txt is missing \(ships with lmvis\)"):
        verified_bytes(tmp_path / "none.txt", digest, missing_hint="ships with lmvis")


def test_split_is_seeded_disjoint_by_text_and_complete(poems):
    a, b = split_poems(poems), split_poems(poems)
    assert a == b
    assert len(a.train) + len(a.val) + len(a.test) == len(poems)
    assert not set(a.train) & set(a.val) and not set(a.train) & set(a.test)
    assert not set(a.val) & set(a.test)
    distinct = len(set(poems))
    assert 0.9 * round(0.05 * distinct) < len(set(a.val)) <= round(0.05 * distinct)
    assert 0.9 * round(0.05 * distinct) < len(set(a.test)) <= round(0.05 * distinct)
    assert split_poems(poems, seed=1).val != a.val


def _lines(poem):
    return {x for x in poem.replace("。", "，").split("，") if x}


def test_no_held_out_poem_shares_two_whole_lines_with_a_training_poem(poems):
    split = split_poems(poems)
    by_line = {}
    for i, p in enumerate(split.train):
        for line in _lines(p):
            by_line.setdefault(line, set()).add(i)
    for part in (split.val, split.test):
        for p in part:
            shared = Counter(i for line in _lines(p) for i in by_line.get(line, ()))
            assert max(shared.values(), default=0) < 2, p
    # the held-out parts lost only the poems of groups the draw had spread over two parts
    assert 800 < len(split.val) <= round(0.05 * len(set(poems)))
    assert 800 < len(split.test) <= round(0.05 * len(set(poems)))


def test_poem_groups_join_poems_sharing_two_lines_transitively():
    a = "春风吹柳枝，明月照山水。"
    b = "春风吹柳枝，明月照山水。白云生远岫，落日下长川。"  # shares a's two lines
    c = "白云生远岫，落日下长川。孤舟一夜泊，明月照山水。"  # shares two of b's, one of a's
    d = "春风吹柳枝，孤城对远山。"                          # shares one line only
    assert poem_groups([a, b, c, d, a]) == [0, 0, 0, 3, 0]
    assert poem_groups([a, c]) == [0, 1]  # one shared line is not enough
    assert poem_groups([a, c], min_shared=1) == [0, 0]
    assert poem_groups([d, d]) == [0, 0]  # identical texts are one group


def test_split_keeps_groups_whole_and_sends_straddling_ones_to_training():
    from lmvis.datasets.poems import _drawn_parts

    base = [f"{i:05d}，{i + 100:05d}。" for i in range(40)]  # two distinct lines each
    variants = [p + "变体变体变，变体变体变。" for p in base[:20]]  # each shares both with its base
    poems = base + variants
    straddled = 0
    for seed in range(3):
        split = split_poems(poems, 0.25, 0.25, seed=seed)
        drawn = _drawn_parts(poems, 0.25, 0.25, seed)
        as_drawn = split_poems(poems, 0.25, 0.25, seed=seed, keep_groups=False)
        assert as_drawn.val == [p for p, k in zip(poems, drawn, strict=True) if k == 1]
        where = {p: k for k, part in enumerate((split.train, split.val, split.test)) for p in part}
        for i in range(20):
            a, b = drawn[i], drawn[40 + i]
            assert where[base[i]] == where[variants[i]] == (a if a == b else 0)
            straddled += a != b
        assert all(where[p] == drawn[i] for i, p in enumerate(base[20:], 20))  # no variant
    assert straddled > 0


def test_split_rejects_bad_fractions():
    with pytest.raises(ValueError, match="must leave training poems"):
        split_poems(["a", "b"], 0.5, 0.5)
    with pytest.raises(ValueError, match="val_fraction"):
        split_poems(["a"], -0.1)


def test_shape_and_form_counts_on_hand_made_cases():
    assert is_poem(QUATRAIN) and is_poem(QUATRAIN * 2)
    assert not is_poem(QUATRAIN * 3)  # six couplets
    assert not is_poem(QUATRAIN.replace("，", "。", 1))
    assert not is_poem(QUATRAIN[:-1])
    assert is_poem(QUATRAIN.replace("明", "□"))  # an unknown character keeps the shape
    assert poem_lines("山高月小，水落石出。半句") == ["山高月小，", "水落石出。", "半句"]
    counts = form_counts([QUATRAIN, "山高月，水落石出。", "山高月小风，水落石出人，"])
    # line by line: 4 right; "山高月，" short and "水落石出。" four characters; then one right,
    # and "水落石出人，" has "，" where "。" belongs
    assert counts == {"lines_ok": 5, "lines": 8, "poems_ok": 1, "poems": 3}


class _Echo(torch.nn.Module):
    """A stand-in model whose generate() appends a fixed text, to test write_poems's cutting."""

    def __init__(self, tok, text):
        super().__init__()
        self.tail = tok.encode(text)

    def generate(self, prompt, n, temperature=1.0, top_k=None, generator=None, exclude=()):
        self.exclude = exclude
        tail = torch.tensor((self.tail * 100)[:n])
        return torch.cat([prompt, tail.expand(len(prompt), n)], dim=1)


def test_write_poems_cuts_at_the_first_poem_break():
    from lmvis.tokenizers import CharTokenizer

    tok = CharTokenizer.from_text("\n" + QUATRAIN)
    echo = _Echo(tok, QUATRAIN[4:] + "\n")
    poems = write_poems(echo, tok, 2, prompt=QUATRAIN[:4])
    assert poems == [QUATRAIN, QUATRAIN]
    assert echo.exclude == [0]  # <unk> is never drawn
    with pytest.raises(ValueError, match="line breaks"):
        write_poems(_Echo(tok, "\n"), tok, 1, prompt="a\nb")


def test_a_built_wheel_ships_every_file_of_the_package(tmp_path):
    src = tmp_path / "src"  # build from a copy, so the checkout gets no build/ folder
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "lib", src / "lib", ignore=shutil.ignore_patterns("__pycache__",
                                                                             "*.egg-info"))
    out = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(out), str(src)],
        check=True, capture_output=True, env={"PATH": "", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                                              "HOME": str(tmp_path)})
    wheel, = out.glob("lmvis-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    # every file of the package (data, licences, provenance notes, weights, fonts, code)
    shipped = [p.relative_to(ROOT / "lib").as_posix() for p in (ROOT / "lib" / "lmvis").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    assert "lmvis/datasets/tang_wuyan/LICENSE-chinese-poetry" in shipped
    assert "lmvis/datasets/ames_housing/ames.csv.gz" in shipped
    for needed in shipped:
        assert needed in names, f"{needed} is not in the wheel"

#!/usr/bin/env python3
"""Make the CJK font Qilian embeds: Noto Sans CJK SC (SIL OFL 1.1), cut down
to the characters Qilian's text needs.

The subset holds ASCII and Latin-1, the punctuation and symbols the charts
use, CJK punctuation and full-width forms, the 3,755 level-1 hanzi of
GB 2312 (the common characters, so most names a user types render), and
every character of the repository's catalogues, scenarios, pages, sources and
docs (stock zone, facility and road names). Run it again after adding text
with new characters; `cargo test -p qilian-viewer fonts` fails until then.

    pip install fonttools brotli
    apt-get download fonts-noto-cjk && dpkg -x fonts-noto-cjk_*.deb noto
    python3 viewer/fonts/subset.py noto/usr/share/fonts/opentype/noto

Writes viewer/fonts/NotoSansSC-Qilian-{Regular,Bold}.otf (for the PNG and
SVG renderer) and NotoSansSC-Qilian-Regular.woff2 (for report.html).
"""
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# Noto Sans CJK's collection: face 2 is Simplified Chinese ("Noto Sans CJK SC").
SC_FACE = 2


def gb2312_level1():
    """The 3,755 level-1 hanzi: GB 2312 rows 16-55 (bytes 0xB0-0xD7)."""
    out = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass  # row 55 ends at 0xD7F9
    return out


def repository_chars():
    chars = set()
    for ext in ("msg", "ron", "rs", "html", "js", "md"):
        for p in ROOT.rglob(f"*.{ext}"):
            if any(part in ("target", ".git") for part in p.parts):
                continue
            try:
                chars.update(p.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, OSError):
                pass
    return {c for c in chars if ord(c) >= 0x80}


def main():
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto")
    chars = set(map(chr, range(0x20, 0x7F))) | set(map(chr, range(0xA0, 0x100)))
    ranges = [
        (0x2010, 0x2027), (0x2030, 0x203A), (0x2070, 0x209F), (0x2100, 0x2150),
        (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2460, 0x24FF), (0x25A0, 0x25FF),
        (0x3000, 0x303F), (0xFF01, 0xFF5E), (0x0391, 0x03C9),
    ]
    for a, b in ranges:
        chars.update(map(chr, range(a, b + 1)))
    chars.update(gb2312_level1())
    chars.update(repository_chars())
    text = HERE / "subset-chars.txt"
    text.write_text("".join(sorted(chars)), encoding="utf-8")
    jobs = [
        ("NotoSansCJK-Regular.ttc", "NotoSansSC-Qilian-Regular.otf", "otf"),
        ("NotoSansCJK-Bold.ttc", "NotoSansSC-Qilian-Bold.otf", "otf"),
        ("NotoSansCJK-Regular.ttc", "NotoSansSC-Qilian-Regular.woff2", "woff2"),
    ]
    for ttc, out, flavor in jobs:
        cmd = [
            "pyftsubset", str(src / ttc), f"--font-number={SC_FACE}",
            f"--text-file={text}", f"--output-file={HERE / out}",
            "--layout-features=kern", "--name-IDs=*", "--name-languages=*",
            "--no-hinting", "--desubroutinize" if flavor == "woff2" else "--no-desubroutinize",
        ]
        if flavor == "woff2":
            cmd.append("--flavor=woff2")
        subprocess.run(cmd, check=True)
        print(out, (HERE / out).stat().st_size, "bytes")
    text.unlink()


if __name__ == "__main__":
    main()

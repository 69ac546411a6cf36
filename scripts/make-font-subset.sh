#!/usr/bin/env bash
#! Regenerates assets/fonts/NotoSansSC-GB2312.otf, the font embedded in every printed PDF:
#! Noto Sans CJK SC cut to GB 2312 + ASCII + the symbols receipts use. Needs fonts-noto-cjk
#! and `pip install fonttools`. Run by hand only when the character set must change.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - > /tmp/gb2312-chars.txt <<'PY'
chars = {chr(c) for c in range(0x20, 0x7F)}
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
chars |= set("¥￥×÷±·—–‘’“”…、。，：；！？（）【】《》〈〉「」『』％＃＆＊＋－／＝＜＞①②③④⑤⑥⑦⑧⑨⑩㎡℃№")
print("".join(sorted(chars)), end="")
PY
pyftsubset /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc --font-number=2 \
  --text-file=/tmp/gb2312-chars.txt --output-file=assets/fonts/NotoSansSC-GB2312.otf \
  --layout-features='*' --name-IDs='*' --no-hinting

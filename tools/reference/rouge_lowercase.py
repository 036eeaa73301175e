"""Code points outside [A-Za-z0-9] whose Python str.lower() contains ASCII letters or digits.

rouge-score's tokenizer lowercases with Python's str.lower() and then keeps only runs of [a-z0-9], so
these are the only non-ASCII characters that can produce (or join) tokens. The Java tokenizer must
agree on every one of them.

    /usr/bin/python3 tools/reference/rouge_lowercase.py
Writes lathe-eval/src/test/resources/rouge/lowercase_ascii.tsv: "hex code point<TAB>[a-z0-9] chars
of its lowercase" per line.
"""
import os
import re
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "lathe-eval", "src", "test", "resources", "rouge", "lowercase_ascii.tsv")

rows = []
for cp in range(0x110000):
    if 0xD800 <= cp <= 0xDFFF:
        continue
    ch = chr(cp)
    if re.match(r"[A-Za-z0-9]", ch):
        continue
    kept = "".join(re.findall(r"[a-z0-9]", ch.lower()))
    if kept:
        rows.append("%04X\t%s" % (cp, kept))
with open(OUT, "w", encoding="utf-8") as f:
    f.write("# Python %s (Unicode %s) str.lower() via tools/reference/rouge_lowercase.py\n"
            % (sys.version.split()[0], unicodedata.unidata_version))
    f.write("\n".join(rows) + "\n")
print("\n".join(rows), file=sys.stderr)

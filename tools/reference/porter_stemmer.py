"""Word -> stem pairs from NLTK's PorterStemmer (default NLTK_EXTENSIONS mode), the stemmer that
Google's rouge-score uses with use_stemmer=True. The Java PorterStemmer must reproduce every pair.

Run with Debian's NLTK (apt-get install -y python3-nltk):
    /usr/bin/python3 tools/reference/porter_stemmer.py
Writes lathe-eval/src/test/resources/rouge/porter_nltk.tsv ("word<TAB>stem" per line, sorted).

Words come from three places, so that every rule and branch of the algorithm is exercised:
  1. every distinct token (rouge-score's tokenizer: lowercase, runs of [a-z0-9]) of lathe-eval's own
     test texts under src/test/resources/rouge/*.txt;
  2. the most frequent English words of the docstrings and comments of the Python standard library
     on this machine (there is no /usr/share/dict/words and no NLTK word corpus here);
  3. synthetic words: a set of stems crossed with every suffix the algorithm's rules know, plus
     NLTK's irregular forms, words with digits and y/consonant edge cases.
"""
import collections
import glob
import itertools
import os
import re
import sys

import nltk
from nltk.stem import porter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RES = os.path.join(ROOT, "lathe-eval", "src", "test", "resources", "rouge")
OUT = os.path.join(RES, "porter_nltk.tsv")
TOKEN = re.compile(r"[a-z0-9]+")
CORPUS_WORDS = 6000

SUFFIXES = [
    "", "s", "ss", "sses", "ies", "ied", "eed", "ed", "ing", "y", "ational", "tional", "enci",
    "anci", "izer", "bli", "abli", "alli", "entli", "eli", "ousli", "ization", "ation", "ator",
    "alism", "iveness", "fulness", "ousness", "aliti", "iviti", "biliti", "fulli", "logi", "icate",
    "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance", "ence", "er", "ic", "able",
    "ible", "ant", "ement", "ment", "ent", "ion", "sion", "tion", "ou", "ism", "ate", "iti", "ous",
    "ive", "ize", "e", "ll", "at", "bl", "iz", "ings", "ers", "ations", "ically", "fully", "lessly",
]
STEMS = [
    "a", "y", "ay", "by", "sky", "tr", "ee", "tree", "oat", "troubl", "privat", "orrer", "rel",
    "condit", "valen", "hesit", "digit", "conform", "radic", "differ", "vil", "analog", "vietnam",
    "predic", "oper", "feud", "decis", "hope", "callous", "formal", "sensit", "sensib", "trip",
    "form", "electr", "good", "reviv", "allow", "infer", "airlin", "gyroscop", "adjust", "defens",
    "irrit", "replac", "depend", "adopt", "homolog", "commun", "activ", "angular", "effect",
    "bowdler", "prob", "rat", "ceas", "controll", "roll", "hop", "tann", "fall", "hiss", "fizz",
    "fail", "fil", "conflat", "siz", "plaster", "bled", "motor", "sing", "happ", "enjo", "spi",
    "fl", "d", "l", "t", "agr", "f", "sp", "cr", "flu", "syzyg", "toy", "play", "yell", "quay",
    "abc123", "x9", "2019", "gener", "univers", "nation", "station", "theolog", "geolog",
    "bio", "crea", "ski", "ey", "yy", "yyy", "qu", "xyz", "wil", "box", "saw", "cyy",
]
EXTRA = [
    "sky", "skies", "dying", "lying", "tying", "news", "innings", "inning", "outings", "outing",
    "cannings", "canning", "howe", "proceed", "exceed", "succeed", "dies", "flies", "died",
    "spied", "ties", "tied", "pies", "lies", "caresses", "ponies", "caress", "cats", "feed",
    "agreed", "hopping", "hopeful", "happy", "enjoy", "spy", "try", "fly", "syzygy", "yyyy",
    "1990s", "3rd", "a1b2c3", "0000", "zzzz", "generalizations", "oscillators", "electricity",
    "rationally", "radically", "fully", "hopefully", "biology", "apology", "analogies", "is", "as",
    "us", "ii", "y", "yes", "eyes", "ayes", "sses", "ies", "eed", "ing", "ings", "ed", "eds",
]


def corpus_words():
    counts = collections.Counter()
    for path in sorted(glob.glob("/usr/lib/python3.11/*.py")):
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                # docstrings and comments are English; code lines add identifiers, fine too
                counts.update(TOKEN.findall(line.lower()))
    words = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
             if w.isalpha() and len(w) > 1]
    return words[:CORPUS_WORDS]


def own_test_words():
    words = set()
    for path in sorted(glob.glob(os.path.join(RES, "*.txt"))):
        with open(path, encoding="utf-8") as f:
            words.update(TOKEN.findall(f.read().lower()))
    return words


def main():
    stemmer = porter.PorterStemmer()
    assert stemmer.mode == porter.PorterStemmer.NLTK_EXTENSIONS
    words = set(own_test_words()) | set(corpus_words()) | set(EXTRA)
    words |= {s + x for s, x in itertools.product(STEMS, SUFFIXES)}
    pairs = sorted((w, stemmer.stem(w)) for w in words if w)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# NLTK %s PorterStemmer (NLTK_EXTENSIONS) via tools/reference/porter_stemmer.py\n"
                % nltk.__version__)
        for w, s in pairs:
            f.write("%s\t%s\n" % (w, s))
    print("wrote %d pairs to %s" % (len(pairs), OUT), file=sys.stderr)


if __name__ == "__main__":
    main()

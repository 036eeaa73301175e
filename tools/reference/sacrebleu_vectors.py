#!/usr/bin/env python3
"""Test vectors for Lathe's BLEU and chrF (lathe-eval, packages metrics.bleu / metrics.chrf).

Every expected number here is produced by sacreBLEU 2.6.0 itself, run from its source tree (sacreBLEU is
not installable from Debian here; its metric code needs only `regex`, which is). The published test cases of
sacreBLEU (test/test_bleu.py, test/test_sentence_bleu.py, test/test_chrf.py, README.md examples at commit
f615c72 of github.com/mjpost/sacrebleu, Apache-2.0) are copied below verbatim with their published expected
values; the script checks that sacreBLEU reproduces each published value and stores the full statistics
(counts, totals, lengths, precisions, BP, formatted line, signature) next to it. Own cases (Unicode, empty
strings, single words, tokenizer corners, multiple / missing references) get their expected values from
sacreBLEU only.

Usage:
  git -C <mirror of mjpost/sacrebleu> archive f615c72 sacrebleu | tar -x -C /tmp/sb
  echo '__version__ = "2.6.0"' > /tmp/sb/sacrebleu/version.py
  SACREBLEU_SRC=/tmp/sb /usr/bin/python3 tools/reference/sacrebleu_vectors.py
Writes lathe-eval/src/test/resources/{bleu,chrf}/*.json.
"""
import json
import os
import sys
import types

# sacrebleu.utils imports these for dataset download and table printing only; the metrics never call them.
for _name in ("portalocker", "tabulate"):
    _m = types.ModuleType(_name)
    _m.tabulate = lambda *a, **k: ""
    sys.modules[_name] = _m
sys.path.insert(0, os.environ.get("SACREBLEU_SRC", "/tmp/sb"))

import sacrebleu  # noqa: E402
from sacrebleu.metrics import BLEU, CHRF  # noqa: E402
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a  # noqa: E402
from sacrebleu.tokenizers.tokenizer_intl import TokenizerV14International  # noqa: E402
from sacrebleu.tokenizers.tokenizer_char import TokenizerChar  # noqa: E402
from sacrebleu.tokenizers.tokenizer_none import NoneTokenizer  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "lathe-eval", "src", "test", "resources")
T_BLEU = "mjpost/sacrebleu@f615c72 test/test_bleu.py"
T_SENT = "mjpost/sacrebleu@f615c72 test/test_sentence_bleu.py"
T_CHRF = "mjpost/sacrebleu@f615c72 test/test_chrf.py"
T_README = "mjpost/sacrebleu@f615c72 README.md"
OWN = "lathe (expected values from sacreBLEU 2.6.0)"

BLEU_DEFAULTS = dict(lowercase=False, force=False, tokenize="13a", smooth_method="exp", smooth_value=None,
                     max_ngram_order=4, effective_order=False)
RAW = dict(tokenize="none", smooth_method="floor", force=True, effective_order=True)  # compat.raw_corpus_bleu
CHRF_DEFAULTS = dict(char_order=6, word_order=0, beta=2, lowercase=False, whitespace=False, eps_smoothing=False)


def bleu_expected(metric, stats, score):
    agg = [sum(col) for col in zip(*stats)]
    k = metric.max_ngram_order
    return {"score": score.score, "counts": agg[2:2 + k], "totals": agg[2 + k:], "precisions": score.precisions,
            "bp": score.bp, "sys_len": agg[0], "ref_len": agg[1], "format": score.format(),
            "signature": str(metric.get_signature()), "signature_short": metric.get_signature().format(True)}


def bleu_case(cases, name, origin, hyps, refs, level="corpus", published=None, tol=None, unit="percent",
              published_stats=None, **opts):
    o = dict(BLEU_DEFAULTS, **opts)
    m = BLEU(**o)
    if level == "sentence":
        score = m.sentence_score(hyps, refs)
        stats = m._extract_corpus_statistics([hyps], [[r] for r in refs])
    else:
        score = m.corpus_score(hyps, refs)
        stats = m._extract_corpus_statistics(hyps, refs)
    c = {"name": name, "origin": origin, "level": level, "options": o, "hyps": hyps, "refs": refs,
         "expected": bleu_expected(m, stats, score)}
    if published is not None:
        got = score.score / 100 if unit == "fraction" else score.score
        if isinstance(published, str):
            assert f"{score.score:.2f}" == published, (name, score.score, published)
        else:
            assert abs(got - published) < tol if tol else got == published, (name, got, published)
        c["published"] = {"value": published, "unit": unit, "tolerance": tol}
    if published_stats is not None:
        assert [c["expected"]["counts"], c["expected"]["totals"]] == published_stats, (name, c["expected"])
        c["published_statistics"] = {"counts": published_stats[0], "totals": published_stats[1]}
    cases.append(c)


def bleu_stats_case(cases, name, origin, correct, total, sys_len, ref_len, published, tol, **opts):
    o = dict(BLEU_DEFAULTS, **opts)
    s = BLEU.compute_bleu(list(correct), list(total), sys_len, ref_len, smooth_method=o["smooth_method"],
                          smooth_value=o["smooth_value"], effective_order=o["effective_order"],
                          max_ngram_order=o["max_ngram_order"])
    assert (abs(s.score / 100 - published) < tol) if tol else s.score / 100 == published, (name, s.score)
    cases.append({"name": name, "origin": origin, "level": "statistics", "options": o,
                  "statistics": {"correct": correct, "total": total, "sys_len": sys_len, "ref_len": ref_len},
                  "published": {"value": published, "unit": "fraction", "tolerance": tol},
                  "expected": {"score": s.score, "precisions": s.precisions, "bp": s.bp}})


def chrf_case(cases, name, origin, hyps, refs, level="corpus", published=None, tol=None, **opts):
    o = dict(CHRF_DEFAULTS, **opts)
    m = CHRF(**o)
    if level == "sentence":
        score = m.sentence_score(hyps, refs)
        stats = m._extract_corpus_statistics([hyps], [[r] for r in refs])
    else:
        score = m.corpus_score(hyps, refs)
        stats = m._extract_corpus_statistics(hyps, refs)
    agg = [sum(col) for col in zip(*stats)]
    c = {"name": name, "origin": origin, "level": level, "options": o, "hyps": hyps, "refs": refs,
         "expected": {"score": score.score, "statistics": agg, "segment_statistics": stats, "name": score.name,
                      "format": score.format(), "signature": str(m.get_signature()),
                      "signature_short": m.get_signature().format(True)}}
    if published is not None:
        assert abs(score.score - published) < tol, (name, score.score, published)
        c["published"] = {"value": published, "unit": "percent", "tolerance": tol}
    cases.append(c)


# ----------------------------------------------------------------------------------------------- BLEU
REFS = [['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
        ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.']]
HYPS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.']
RO_REF = "producţia de zahăr brut se exprimă în zahăr alb;"
RO_SYS = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;"

bleu = []
# test_bleu.py
for i, (h, r, e) in enumerate([(["this is a test", "another test"], [["ref1", "ref2"]], 0.0),
                               (["this is a test"], [["this is a test"]], 1.0),
                               (["this is a fest"], [["this is a test"]], 0.223606797749979)]):
    bleu_case(bleu, f"test_raw_bleu[{i}]", T_BLEU, h, r, published=e, tol=1e-8, unit="fraction",
              smooth_value=0.01, **RAW)
for i, (h, kw, e) in enumerate([(HYPS, {}, 48.530827), (['', '', ''], {}, 0.0),
                                (HYPS, {'tokenize': 'none'}, 49.1919566), (HYPS, {'tokenize': '13a'}, 48.530827),
                                (HYPS, {'tokenize': 'intl'}, 43.91623493), (HYPS, {'smooth_method': 'none'}, 48.530827)]):
    bleu_case(bleu, f"test_corpus_bleu[{i}]", T_BLEU, h, REFS, published=e, tol=1e-8, **kw)
for i, (h, r, e) in enumerate([(["test"], [["a test"]], 0.3678794411714425), (["a test"], [["a test"]], 1.0),
                               (["a little test"], [["a test"]], 0.03218297948685433)]):
    bleu_case(bleu, f"test_effective_order[{i}]", T_BLEU, h, r, published=e, tol=1e-8, unit="fraction",
              smooth_value=0.01, **RAW)
OFF_H, OFF_R = ["am I am a character sequence"], [["I am a symbol string sequence a a"]]
bleu_case(bleu, "test_statistics", T_BLEU, OFF_H, OFF_R, smooth_value=0.01,
          published_stats=[[4, 2, 1, 0], [6, 5, 4, 3]], **RAW)
bleu_case(bleu, "test_offset[without]", T_BLEU, OFF_H, OFF_R, published=0.0, tol=1e-8, unit="fraction",
          smooth_value=0.0, **RAW)
bleu_case(bleu, "test_offset[with default 0.1]", T_BLEU, OFF_H, OFF_R, published=0.1555722182, tol=1e-8,
          unit="fraction", **RAW)
for order, e in [(1, "77.65"), (2, "60.50"), (3, "53.93"), (4, "48.53"), (5, "46.14"), (6, "43.28")]:
    bleu_case(bleu, f"test_max_ngram_order[{order}]", T_BLEU, HYPS, REFS, published=e, max_ngram_order=order)
# test_sentence_bleu.py
for i, (sm, sv, lc, tok, e) in enumerate([
        ('exp', None, False, '13a', 8.493), ('none', None, False, '13a', 0.0), ('floor', None, False, '13a', 4.51688),
        ('floor', 0.1, False, '13a', 4.51688), ('floor', 0.5, False, '13a', 10.10), ('add-k', None, False, '13a', 14.882),
        ('add-k', 1, False, '13a', 14.882), ('add-k', 2, False, '13a', 21.389), ('exp', None, False, 'none', 7.347),
        ('exp', None, False, 'intl', 8.493), ('exp', None, False, 'char', 40.8759), ('exp', None, True, 'char', 42.0267)]):
    bleu_case(bleu, f"test_api_sentence_bleu[{i}]", T_SENT, RO_SYS, [RO_REF], level="sentence", published=e,
              tol=1e-3, smooth_method=sm, smooth_value=sv, lowercase=lc, tokenize=tok, effective_order=True)
for i, (sm, sv) in enumerate([('exp', None), ('none', None), ('floor', None), ('floor', 0.1), ('add-k', None),
                              ('add-k', 1)]):
    bleu_case(bleu, f"test_api_sentence_bleu_zero[{i}]", T_SENT, "this is a cat", ["okay thanks"], level="sentence",
              published=0.0, tol=1e-3, smooth_method=sm, smooth_value=sv, effective_order=True)
# README.md
bleu_case(bleu, "README corpus_score", T_README, HYPS, REFS, published=48.53, tol=0.005)
bleu_case(bleu, "README variable refs (None)", T_README, HYPS, [[None] + REFS[0][1:], REFS[1]], published=29.44,
          tol=0.005)
bleu_case(bleu, "README variable refs ('' kept as an empty reference in 2.6.0)", T_README, HYPS,
          [[''] + REFS[0][1:], REFS[1]], published=29.44, tol=0.005)

stats_cases = []
bleu_stats_case(stats_cases, "test_scoring", T_BLEU, [9, 7, 5, 3], [10, 8, 6, 4], 11, 11, 0.8375922397, 1e-8,
                smooth_method="none")
for i, ((c, t, s, r), off) in enumerate([(([0, 0, 0, 0], [4, 4, 2, 1], 0, 1), 0.0), (([0, 0, 0, 0], [10, 11, 12, 0], 14, 10), 0.0),
                                         (([0, 0, 0, 0], [0, 0, 0, 0], 0, 0), 0.0), (([6, 5, 4, 0], [6, 5, 4, 3], 6, 6), 0.0),
                                         (([0, 0, 0, 0], [0, 0, 0, 0], 0, 0), 0.1), (([0, 0, 0, 0], [0, 0, 0, 0], 1, 5), 0.01)]):
    bleu_stats_case(stats_cases, f"test_degenerate_statistics[{i}]", T_BLEU, c, t, s, r, 0.0, None,
                    smooth_method="floor", smooth_value=off)

own = []
UNI_H = ["Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;", "Größe – „Straße“ ≠ 5 €.",
         "東京は日本の首都です。", "I ❤ 🍕 and 🍣!"]
UNI_R = [["producţia de zahăr brut se exprimă în zahăr alb;", "Grösse - \"Strasse\" != 5 EUR.",
          "日本の首都は東京です。", "I ❤ 🍕 and 🍣 too!"]]
for tok in ["13a", "intl", "char", "none"]:
    bleu_case(own, f"unicode corpus tok={tok}", OWN, UNI_H, UNI_R, tokenize=tok)
    bleu_case(own, f"unicode corpus lowercase tok={tok}", OWN, UNI_H, UNI_R, tokenize=tok, lowercase=True)
bleu_case(own, "lowercase Greek final sigma and Turkish dotted I", OWN, ["ΟΔΟΣ ΚΑΙ İSTANBUL"],
          [["οδος και i̇stanbul"]], lowercase=True)
bleu_case(own, "no-break spaces are whitespace to Python split", OWN, ["a\u00a0b\u202fc\u3000d e"], [["a b c d e"]])
bleu_case(own, "empty hypothesis", OWN, [""], [["a b c"]])
bleu_case(own, "empty reference", OWN, ["a b c"], [[""]])
bleu_case(own, "empty both", OWN, [""], [[""]])
bleu_case(own, "empty hypothesis sentence", OWN, "", ["a b c"], level="sentence", effective_order=True)
bleu_case(own, "single word corpus (no 2-grams, exp)", OWN, ["cat"], [["cat"]])
bleu_case(own, "single word corpus effective order", OWN, ["cat"], [["cat"]], effective_order=True)
bleu_case(own, "single word sentence", OWN, "cat", ["cat"], level="sentence", effective_order=True)
bleu_case(own, "single word sentence miss", OWN, "cat", ["dog"], level="sentence", effective_order=True)
bleu_case(own, "single word vs longer ref, sentence floor", OWN, "cat", ["the cat sat"], level="sentence",
          effective_order=True, smooth_method="floor")
bleu_case(own, "closest ref length tie takes the shorter", OWN, ["a b c d e"], [["a b c d"], ["a b c d e f"]])
bleu_case(own, "closest ref length tie, longer first", OWN, ["a b c d e"], [["a b c d e f"], ["a b c d"]])
bleu_case(own, "three references, sentence", OWN, "the cat sat on the mat",
          ["a cat sat on a mat", "the cat is on the mat", "there is a cat on the mat"], level="sentence")
bleu_case(own, "13a entities, skipped, hyphen-newline", OWN,
          ["&quot;AT&amp;T&quot; &lt;b&gt; &amp;lt; <skipped>ok co-\noperate\nnow"],
          [["\"AT&T\" <b> &lt; ok cooperate now"]])
bleu_case(own, "13a numbers and dashes", OWN, ["Pi is 3.14, 1,000 items cost $5.50 in 2019-2020 (see p. 3)."],
          [["Pi is 3.14 , and 1,000 items cost $ 5.50 in 2019 - 2020 ( see p . 3 ) ."]])
bleu_case(own, "intl punctuation and symbols", OWN, ["«¿Qué?» — dijo él… 1.000,5 € 2019. U.S.A. x+y=z"],
          [["« ¿ Qué ? » — dijo él … 1.000,5 € 2019 . U . S . A . x + y = z"]], tokenize="intl")
bleu_case(own, "corpus floor 0.5", OWN, HYPS, REFS, smooth_method="floor", smooth_value=0.5)
bleu_case(own, "corpus add-k 2", OWN, HYPS, REFS, smooth_method="add-k", smooth_value=2)
bleu_case(own, "corpus effective order exp", OWN, ["a b", "c d e"], [["a b x", "c d f"]], effective_order=True)
bleu_case(own, "force does not change the score", OWN, ["It is a test ."], [["It is a test."]], force=True)
bleu_case(own, "trailing whitespace is stripped", OWN, ["a b c \t\u00a0"], [["a b c"]], tokenize="none")

tok_cases = []
TOK_INPUTS = ["Hello, world!", "It's 3.14 or 1,000 -5 10-20 -x", "&quot;a&quot; &amp;amp; &lt;b&gt; <skipped>",
              "co-\noperate\nline", "a.b,c", "(see p. 3).", "$5.50 {x} [y] ~z~ `q` ^ _ | \\ @",
              "«¿Qué?» — dijo él… 1.000,5 € 2019. U.S.A.", "x+y=z ± 5% ©2020 ™ 🍕! 東京。",
              "Größe – „Straße“", "tab\tand\u00a0nbsp and\u202fnnbsp", "  leading and trailing  ", "", "a"]
for name, tk in [("13a", Tokenizer13a()), ("intl", TokenizerV14International()), ("char", TokenizerChar()),
                 ("none", NoneTokenizer())]:
    for s in TOK_INPUTS:
        tok_cases.append({"tokenizer": name, "input": s, "output": tk(s)})

# ----------------------------------------------------------------------------------------------- chrF
chrf = []
for i, (h, r, e) in enumerate([
        ('Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.',
         ['Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.'], 39.14078509),
        ('Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.',
         ['A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.'], 31.22557079),
        ('Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.',
         ['Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.'], 57.15704367)]):
    chrf_case(chrf, f"test_chrf_sentence_level[{i}]", T_CHRF, h, r, level="sentence", published=e, tol=1e-4,
              eps_smoothing=True)
CHRF_T = [(["abcdefg"], ["hijklmnop"], 0.0), (["a"], ["b"], 0.0), ([""], ["b"], 0.0), ([""], ["ref"], 0.0),
          ([""], ["reference"], 0.0), (["aa"], ["ab"], 8.3333), (["a", "b"], ["a", "c"], 8.3333), (["a"], ["a"], 16.6667),
          (["a b c"], ["a b c"], 50.0), (["a b c"], ["abc"], 50.0),
          ([" risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."],
           ["risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."], 63.361730),
          ([" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "],
           ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."], 64.1302698),
          (["Niemand hat die Absicht, eine Mauer zu errichten"], ["Niemand hat die Absicht, eine Mauer zu errichten"], 100.0)]
for i, (h, r, e) in enumerate(CHRF_T):
    chrf_case(chrf, f"test_chrf[{i}]", T_CHRF, h, [r], published=e, tol=1e-4, beta=3, eps_smoothing=True)
for i, (h, r, e) in enumerate([(["a"], ["a"], 100.0), ([""], ["reference"], 0.0), (["a b c"], ["a b c"], 100.0),
                               (["a b c"], ["abc"], 100.0), ([""], ["c"], 0.0), (["a", "b"], ["a", "c"], 50.0),
                               (["aa"], ["ab"], 25.0)]):
    chrf_case(chrf, f"test_chrf_eff_order[{i}]", T_CHRF, h, [r], published=e, tol=1e-4, beta=3, eps_smoothing=False)
for i, (h, r, e) in enumerate([
        (["Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."],
         ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."], 67.3481606),
        (["risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."],
         ["risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."], 65.2414427)]):
    chrf_case(chrf, f"test_chrf_keep_whitespace[{i}]", T_CHRF, h, [r], published=e, tol=1e-4, beta=3, whitespace=True)
chrf_case(chrf, "README chrF", T_README, HYPS, REFS, published=59.73, tol=0.005)

chrf_own = []
for wo in [0, 2]:
    for eps in [False, True]:
        tag = f"nw={wo} eps={eps}"
        chrf_case(chrf_own, f"README corpus {tag}", OWN, HYPS, REFS, word_order=wo, eps_smoothing=eps)
        chrf_case(chrf_own, f"unicode corpus {tag}", OWN, UNI_H, UNI_R, word_order=wo, eps_smoothing=eps)
        chrf_case(chrf_own, f"unicode corpus lowercase {tag}", OWN, UNI_H, UNI_R, word_order=wo, eps_smoothing=eps,
                  lowercase=True)
        chrf_case(chrf_own, f"unicode corpus whitespace {tag}", OWN, UNI_H, UNI_R, word_order=wo, eps_smoothing=eps,
                  whitespace=True)
        chrf_case(chrf_own, f"empty hypothesis {tag}", OWN, [""], [["a b c"]], word_order=wo, eps_smoothing=eps)
        chrf_case(chrf_own, f"empty reference {tag}", OWN, ["a b c"], [[""]], word_order=wo, eps_smoothing=eps)
        chrf_case(chrf_own, f"empty both {tag}", OWN, [""], [[""]], word_order=wo, eps_smoothing=eps)
        chrf_case(chrf_own, f"single word {tag}", OWN, "cat", ["cat"], level="sentence", word_order=wo,
                  eps_smoothing=eps)
        chrf_case(chrf_own, f"single word miss {tag}", OWN, "cat", ["cart"], level="sentence", word_order=wo,
                  eps_smoothing=eps)
        chrf_case(chrf_own, f"emoji and CJK sentence {tag}", OWN, "I ❤ 🍕🍕 東京", ["I ❤ 🍕 東京都"],
                  level="sentence", word_order=wo, eps_smoothing=eps)
chrf_case(chrf_own, "chrF++ punctuation peeling", OWN, ["(hi) there, you. 'quoted' a , - x"],
          [["(hi ) there , you . ' quoted ' a , - x"]], word_order=2)
chrf_case(chrf_own, "multiple references, best F per segment", OWN, HYPS, REFS + [["A dog bit a man.", None, ""]],
          word_order=2)
chrf_case(chrf_own, "three references, sentence chrF++", OWN, "the cat sat on the mat",
          ["a cat sat on a mat", "the cat is on the mat", "there is a cat on the mat"], level="sentence", word_order=2)
chrf_case(chrf_own, "identical references tie (first wins)", OWN, ["abc"], [["abd"], ["abd"]])
chrf_case(chrf_own, "beta 1 char order 4", OWN, HYPS, REFS, beta=1, char_order=4)
chrf_case(chrf_own, "beta 0", OWN, HYPS, REFS, beta=0)
chrf_case(chrf_own, "no-break spaces removed", OWN, ["a\u00a0b\u202fc d"], [["abcd"]], word_order=2)


def dump(path, payload):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(payload, f, ensure_ascii=False, indent=1)
        f.write("\n")


GEN = {"generator": "tools/reference/sacrebleu_vectors.py", "sacrebleu_version": sacrebleu.__version__,
       "note": "expected.* computed by sacreBLEU itself; published.* copied from the named origin"}
dump(os.path.join(OUT, "bleu", "sacrebleu_published.json"), dict(GEN, cases=bleu, statistics_cases=stats_cases))
dump(os.path.join(OUT, "bleu", "own_cases.json"), dict(GEN, cases=own))
dump(os.path.join(OUT, "bleu", "tokenizers.json"), dict(GEN, cases=tok_cases, python_whitespace=[
    c for c in range(0x110000) if chr(c).isspace()]))
dump(os.path.join(OUT, "chrf", "sacrebleu_published.json"), dict(GEN, cases=chrf))
dump(os.path.join(OUT, "chrf", "own_cases.json"), dict(GEN, cases=chrf_own))
print(f"bleu: {len(bleu)} published, {len(stats_cases)} statistics, {len(own)} own, {len(tok_cases)} tokenizer; "
      f"chrf: {len(chrf)} published, {len(chrf_own)} own")

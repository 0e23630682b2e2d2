"""Abbreviations that end in a period, per language.

``INNER`` abbreviations sit inside a sentence (``f.eks.``, ``kl.``): their period
never ends one. ``FINAL`` abbreviations can close a sentence and then carry its
only period (``osv.``, ``pst.``): they end one when a capitalised word follows.
Sources for the Norwegian lists: Språkrådet, «Kort om forkortingar» (Statsspråk
3/2019) and common usage in municipal style guides.
"""

from __future__ import annotations

_NB_INNER = """
f.eks. bl.a. jf. jfr. jvf. dvs. ca. kl. nr. ev. evt. iht. pga. ifm. mht. vedr. ang.
inkl. ekskl. hhv. vs. dr. prof. st. s. fig. tab. kap. pkt. avd. adm. p.t. a.s. o.a.
f.o.m. t.o.m. mnd. md. tlf. el. nb. kfr. sml. gnr. bnr. fvl. offl. forts. ref.
div. årh. ekv. resp. str. f.v. t.v. t.h. f. a.a. p.g.a. d.v.s. m.h.t. i.e. e.g. jan. feb. febr. apr. aug. sep. sept.
okt. nov. des.
"""
_NB_FINAL = """
osv. mv. m.v. m.m. o.l. e.l. mfl. m.fl. ofl. o.fl. pst. kr. mill. mrd. stk. etc.
d.å. m.a.o. f.kr. e.kr. o.s.v. mva.
"""
_NN_INNER = _NB_INNER + """
t.d. m.a. sjå. høvesvis.
"""
_NN_FINAL = _NB_FINAL + """
osb. o.a. mfl. m.a.
"""
_EN_INNER = """
e.g. i.e. cf. vs. mr. mrs. ms. dr. prof. st. nos. fig. approx. pp. vol. ch.
jan. feb. apr. aug. sept. oct. nov. dec. dept.
"""
_EN_FINAL = """
etc. inc. ltd. co. corp. a.m. p.m. jr. sr. u.s. u.k.
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in text.split() if w.endswith("."))


INNER: dict[str, frozenset[str]] = {
    "nb": _words(_NB_INNER),
    "nn": _words(_NN_INNER),
    "en": _words(_EN_INNER),
}
FINAL: dict[str, frozenset[str]] = {
    "nb": _words(_NB_FINAL) - INNER["nb"],
    "nn": _words(_NN_FINAL) - INNER["nn"],
    "en": _words(_EN_FINAL) - INNER["en"],
}


def all_abbreviations() -> frozenset[str]:
    """Every abbreviation of every language (the tokenizer keeps them whole)."""
    out: set[str] = set()
    for table in (INNER, FINAL):
        for words in table.values():
            out |= words
    return frozenset(out)

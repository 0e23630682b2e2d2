"""Spelling variants across a whole programme: the same word written several ways.

A *corpus* is every block of every document in a run (one language). Each finder
groups occurrences under one normalised key and labels each with its *form*; the rule
then reports the uses of rarer forms against the dominant one, with counts and the
places where the dominant form is used. Finders:

- ``compound``: one compound closed, hyphenated or split (fritidstilbud / fritids-tilbud /
  fritids tilbud);
- ``linking``: the same parts with and without a linking s or e (oppvekstvilkår /
  oppvekstsvilkår);
- ``case``: one name or acronym in different capitals (Nav / NAV), sentence starts aside;
- ``misspelling``: a rare word the lexicon does not know, one or two letters from a
  frequent word it knows (kompetansse / kompetanse);
- ``agreement``: an adjective without its ending before a noun that elsewhere has it
  (lokal tilbud / lokale tilbud);
- ``optional``: Bokmål a- and en-forms of feminine nouns (boka / boken), -a and -et past
  tense (kasta / kastet); Nynorsk a- and e-infinitive (å kasta / å kaste) and j-forms
  (tenkje / tenke).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from klarsyn.checks.base import sentence_tokens
from klarsyn.document.model import Block, BlockKind
from klarsyn.metrics.analysis import BlockAnalysis, DocumentAnalysis
from klarsyn.text.lexicon import both_standards, lemmas

SCOPE = frozenset({BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.TABLE_CELL})
_INFLECTIONS = (
    "enes", "ene", "ens", "ets", "en", "et", "ernes", "erne", "eres", "er", "ar", "ane", "a", "e",
    "s", "t", "te", "de", "tes", "des", "ere", "este", "est", "ste", "st", "r", "ende", "ne", "nes",
)
# Words that stand alone before a noun or verb and never start a compound written apart.
_FUNCTION = frozenset(
    """i på til av for med fra frå om under over gjennom etter ved mot hos uten utan mellom
    blant innen rundt langs og eller men samt som at når hvis dersom enn så da då der her
    en et ei ein eit den det de dei denne dette disse desse min mitt mine din sitt sine vår
    vårt våre hans hennes deres alle hver kvar noen nokon ingen mange flere fleire mer meir
    mest skal kan vil må bør skulle kunne ville måtte er var har hadde blir ble vert vart
    ikke ikkje også òg bare berre nå no helt heilt svært veldig opp ut inn ned fram frem bort
    igjen tilbake hjem heim dit hit vi jeg eg du han hun ho de dei dem oss seg meg deg seg
    to tre fire fem seks sju syv åtte ni ti elleve tolv""".split()
)


@dataclass(slots=True)
class Occurrence:
    doc: int  # index of the document in the run
    block: Block
    start: int  # block-text offsets
    end: int
    text: str


@dataclass
class Group:
    """Occurrences of one word, by the form they take."""

    kind: str
    key: str
    forms: dict[str, list[Occurrence]] = field(default_factory=lambda: defaultdict(list))
    # How to write an occurrence in another form: form -> (occurrence text -> new text).
    rewrite: dict[str, object] = field(default_factory=dict)
    label: dict[str, str] = field(default_factory=dict)  # form -> how to show it
    # The right form whatever the counts (the dictionary's spelling), when one is known.
    force: str | None = None
    reason: str = ""  # why the forced form is right, for the message


@dataclass(slots=True)
class Word:
    """One word token in the corpus."""

    doc: int
    block: Block
    start: int
    end: int
    text: str
    lower: str
    sentence_start: bool
    next: "Word | None" = None  # the next word in the same sentence, when only space separates them

    @property
    def common(self) -> bool:
        """Written in small letters, or capitalised only because it starts a sentence."""
        return self.text.islower() or (self.sentence_start and self.text[1:].islower())


def corpus_words(analyses: list[DocumentAnalysis], allowed: frozenset[str]) -> list[Word]:
    words: list[Word] = []
    for d, analysis in enumerate(analyses):
        for ba in analysis.blocks:
            if ba.block.kind not in SCOPE or ba.block.quoted:
                continue
            _block_words(d, ba, words, allowed)
    return words


_OPEN_QUOTES = frozenset("«“")
_CLOSE_QUOTES = frozenset("»”")


def _block_words(d: int, ba: BlockAnalysis, out: list[Word], allowed: frozenset[str]) -> None:
    """The block's words, leaving out quoted text («…»): a quotation keeps its own spelling."""
    text = ba.block.text
    quoted = False
    for toks in sentence_tokens(ba):
        previous: Word | None = None
        first = True
        for s, e, word, low in toks:
            if word in _OPEN_QUOTES or word in _CLOSE_QUOTES:
                quoted = word in _OPEN_QUOTES
            if quoted:
                previous = None
                continue
            if not word[0].isalpha() or word.endswith("-") or low in allowed:
                previous = None
                first = False if word[0].isalpha() else first
                continue
            w = Word(d, ba.block, s, e, word, word if word == low else low, first)
            if previous is not None and text[previous.end : s].strip() == "":
                previous.next = w
            out.append(w)
            previous = w
            first = False


@lru_cache(maxsize=65536)
def known(word: str, lex: frozenset[str]) -> bool:
    """The lexicon knows the word: as a lemma, as a lemma plus an inflection ending, as a
    neuter adjective with a single final consonant (trygt: trygg) or as a past participle
    (tilrettelagte: tilrettelegge)."""
    if word in lex:
        return True
    for ending in _INFLECTIONS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            stem = word[: -len(ending)]
            if stem in lex or stem + "e" in lex:
                return True
            # a doubled consonant before the ending: medlemmer (medlem), sommeren
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[:-1] in lex:
                return True
    if word.endswith("t") and len(word) > 3 and word[:-1] + word[-2] in lex:
        return True
    if word.endswith("s") and len(word) > 4 and known(word[:-1], lex):
        return True  # a genitive: foreldres, menneskers
    from klarsyn.checks.passive import is_participle

    return is_participle(word, "nb", lex) or (word.endswith("e") and is_participle(word[:-1], "nb", lex))


@lru_cache(maxsize=65536)
def split_inflection(word: str, lex: frozenset[str]) -> tuple[str, str]:
    """(lemma-like base, ending): ``fellesskapet`` → (``fellesskap``, ``et``)."""
    if word in lex:
        return word, ""
    for ending in _INFLECTIONS:
        if word.endswith(ending) and word[: -len(ending)] in lex:
            return word[: -len(ending)], ending
    return word, ""


# -- compound: closed / hyphenated / split -------------------------------------------


def compound_groups(words: list[Word], lex: frozenset[str] = frozenset()) -> list[Group]:
    closed_count: dict[str, int] = defaultdict(int)
    hyphen: dict[str, list[tuple[Occurrence, int]]] = defaultdict(list)
    for w in words:
        if not w.text[0].islower():
            continue
        if "-" in w.text:
            first, _, rest = w.text.partition("-")
            if len(first) >= 3 and len(rest) >= 3 and first.isalpha() and rest.replace("-", "").isalpha():
                hyphen[w.lower.replace("-", "")].append((Occurrence(w.doc, w.block, w.start, w.end, w.text), len(first)))
        elif len(w.lower) >= 6:
            closed_count[w.lower] += 1
    split: dict[str, list[tuple[Occurrence, int]]] = defaultdict(list)
    for w in words:
        n = w.next
        if n is None or not w.text[0].islower() or not n.text.isalpha() or len(w.lower) < 3 or len(n.lower) < 3:
            continue
        key = w.lower + n.lower
        # A split form of a dictionary word is særskriving, reported by that rule instead.
        if (key in closed_count or key in hyphen) and not (lex and known(key, lex)):
            split[key].append((Occurrence(w.doc, w.block, w.start, n.end, f"{w.text} {n.text}"), len(w.text)))
    keys = {k for k in set(hyphen) | set(split) if k in closed_count or (k in hyphen and k in split)}
    # Occurrences of the closed forms only for the words that have variants.
    closed: dict[str, list[Occurrence]] = defaultdict(list)
    if keys:
        for w in words:
            if w.lower in keys and "-" not in w.text and w.text[0].islower():
                closed[w.lower].append(Occurrence(w.doc, w.block, w.start, w.end, w.text))
    groups = []
    for key in keys:
        g = Group("compound", key)
        cut = (hyphen.get(key) or split.get(key))[0][1]  # type: ignore[index]
        g.forms["closed"] = closed.get(key, [])
        g.forms["hyphen"] = [o for o, _ in hyphen.get(key, [])]
        g.forms["split"] = [o for o, _ in split.get(key, [])]
        g.forms = {k: v for k, v in g.forms.items() if v}
        g.rewrite = {
            "closed": lambda text: text.replace("-", "").replace(" ", ""),
            "hyphen": lambda text, cut=cut: _join(text)[:cut] + "-" + _join(text)[cut:],
            "split": lambda text, cut=cut: _join(text)[:cut] + " " + _join(text)[cut:],
        }
        sample = _join(next(iter(g.forms.values()))[0].text)
        g.label = {"closed": sample, "hyphen": sample[:cut] + "-" + sample[cut:], "split": sample[:cut] + " " + sample[cut:]}
        groups.append(g)
    return groups


def _join(text: str) -> str:
    return text.replace("-", "").replace(" ", "")


# -- særskriving -----------------------------------------------------------------------


def _saerskriving(first: str, second: str, lex: frozenset[str]) -> bool:
    """``fritids tilbud``: the two words written together are a known word, and the first
    is no word on its own but a compound's first part with a linking letter (fritids,
    barne) or no known word at all."""
    if not lex or len(first) < 4 or len(second) < 3 or first in lex or first in _FUNCTION or second in _FUNCTION:
        return False
    bound = first.endswith(("s", "e")) and first[:-1] in lex
    # The closed form must be a dictionary word itself (plus a plain ending).
    return bound and split_inflection(first + second, lex)[0] in lex


def saerskriving_groups(words: list[Word], lex: frozenset[str]) -> list[Group]:
    closed_forms = {w.lower for w in words if "-" not in w.text}
    groups: dict[str, Group] = {}
    for w in words:
        n = w.next
        if n is None or len(w.lower) < 3 or len(n.lower) < 3 or not w.text.islower() or not n.text.islower() or not n.text.isalpha():
            continue
        key = w.lower + n.lower
        evidence = key in closed_forms
        with_evidence = (
            evidence and w.lower in lex and not _free_phrase(w.lower) and w.lower not in _FUNCTION
            and n.lower not in _FUNCTION and known(key, lex)
        )
        if not (with_evidence or _saerskriving(w.lower, n.lower, lex)):
            continue
        g = groups.get(key)
        if g is None:
            g = groups[key] = Group("saerskriving", key, force=key)
            g.forms[key] = [Occurrence(c.doc, c.block, c.start, c.end, c.text) for c in words if c.lower == key and c.text.islower()] if evidence else []
            g.rewrite = {key: lambda text: text.replace(" ", "")}
            g.label = {key: key}
        g.forms[f"{w.lower} {n.lower}"].append(Occurrence(w.doc, w.block, w.start, n.end, f"{w.text} {n.text}"))
    return list(groups.values())


# Adjectives and determiners that stand before nouns as separate words ("stor by").
_FREE = frozenset("stor store god gode ny nye gammel gamle liten lite små lang lange høy høye lav lave".split())


def _free_phrase(first: str) -> bool:
    return first in _FREE


# -- linking letter -----------------------------------------------------------------------


def linking_groups(words: list[Word], lex: frozenset[str]) -> list[Group]:
    vocab: dict[str, list[Word]] = defaultdict(list)
    for w in words:
        if w.text[0].islower() and "-" not in w.text and len(w.lower) >= 8:
            vocab[w.lower].append(w)
    groups = []
    seen: set[str] = set()
    for form in vocab:
        for i in range(4, len(form) - 4):
            if form[i] not in "se":
                continue
            without = form[:i] + form[i + 1 :]
            if without not in vocab or without in seen:
                continue
            head, tail = form[:i], form[i + 1 :]
            tail_base = split_inflection(tail, lex)[0]
            if not (head in lex or head + "e" in lex) or tail_base not in lex or len(tail_base) < 4:
                continue
            seen.add(without)
            g = Group("linking", without)
            g.forms[form] = [Occurrence(w.doc, w.block, w.start, w.end, w.text) for w in vocab[form]]
            g.forms[without] = [Occurrence(w.doc, w.block, w.start, w.end, w.text) for w in vocab[without]]
            # When the dictionary knows just one of them, it decides.
            known_forms = [f for f in (form, without) if known(f, lex) and split_inflection(f, lex)[0] in lex]
            if len(known_forms) == 1:
                g.force, g.reason = known_forms[0], "dictionary"
            g.rewrite = {f: (lambda text, f=f: _same_case(f, text)) for f in g.forms}
            g.label = {f: f for f in g.forms}
            groups.append(g)
    return groups


# -- capitals -----------------------------------------------------------------------------


def case_groups(words: list[Word]) -> list[Group]:
    def candidate(w: Word) -> bool:
        return not w.sentence_start and 2 <= len(w.text) <= 8 and w.block.kind is not BlockKind.HEADING

    caps_neighbour: set[int] = set()
    upper_keys: set[str] = set()
    for w in words:
        if w.text.isupper() and candidate(w):
            upper_keys.add(w.lower)
            if w.next is not None and w.next.text.isupper() and len(w.text) > 1 and len(w.next.text) > 1:
                caps_neighbour.update((id(w), id(w.next)))  # text in capitals, not an acronym
    by_key: dict[str, dict[str, list[Occurrence]]] = defaultdict(lambda: defaultdict(list))
    for w in words:
        if w.lower not in upper_keys or not candidate(w) or id(w) in caps_neighbour:
            continue
        form = "upper" if w.text.isupper() else "title" if w.text[0].isupper() and w.text[1:].islower() else ""
        if form:
            by_key[w.lower][form].append(Occurrence(w.doc, w.block, w.start, w.end, w.text))
    groups = []
    for key, forms in by_key.items():
        # Only an acronym or name written in capitals and with a capital first letter
        # (NAV / Nav). Small and capital first letters mark different words too often
        # (Høyre the party, høyre the side) to be a spelling variant.
        if "upper" not in forms or "title" not in forms:
            continue
        g = Group("case", key)
        g.forms = dict(forms)
        g.rewrite = {
            "upper": lambda text: text.upper(),
            "title": lambda text: text[0].upper() + text[1:].lower(),
        }
        g.label = {f: g.rewrite[f](occ[0].text) for f, occ in forms.items()}  # type: ignore[operator]
        groups.append(g)
    return groups


# -- misspellings -------------------------------------------------------------------------


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit (the typos
    people make: a letter too many, too few, wrong or swapped); limit + 1 past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, before[j - 2] + 1)
            current.append(value)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def misspelling_groups(words: list[Word], lex: frozenset[str], min_frequent: int = 3) -> list[Group]:
    """A word used once, unknown to the lexicon, one typo away from a form of a word the
    lexicon knows and the programme uses at least ``min_frequent`` times. The two must end
    alike (the same last two letters), so an inflection (fremst / fremsto, hjelp / hjulpet)
    is never taken for a typo."""
    families: dict[str, list[Word]] = defaultdict(list)  # base -> words
    for w in words:
        if w.common and "-" not in w.text and len(w.lower) >= 5:
            families[split_inflection(w.lower, lex)[0]].append(w)
    surface: dict[int, dict[str, str]] = defaultdict(dict)  # length -> form -> base
    for base, ws in families.items():
        if len(ws) >= min_frequent and known(base, lex):
            for w in ws:
                surface[len(w.lower)][w.lower] = base
    groups = []
    for base, ws in families.items():
        if len(ws) > 1 or known(ws[0].lower, lex) or len(ws) >= min_frequent:
            continue
        rare = ws[0]
        if rare.sentence_start or not rare.text.isalpha() or len(rare.lower) < 6:
            continue  # a capitalised first word may be a name
        r = rare.lower
        best: tuple[int, str, str] | None = None  # uses of the family, right form, its base
        for length in (len(r) - 1, len(r), len(r) + 1):
            for form, form_base in surface.get(length, {}).items():
                if form[-2:] != r[-2:] or form[0] != r[0] or _distance(r, form, 1) > 1:
                    continue
                uses = len(families[form_base])
                if best is None or uses > best[0]:
                    best = (uses, form, form_base)
        if best is None:
            continue
        _uses, right, right_base = best
        g = Group("misspelling", right_base)
        g.forms[right_base] = [Occurrence(w.doc, w.block, w.start, w.end, w.text) for w in families[right_base]]
        g.forms[r] = [Occurrence(rare.doc, rare.block, rare.start, rare.end, rare.text)]
        g.rewrite = {right_base: lambda text, right=right: _same_case(right, text)}
        g.label = {right_base: right_base, r: r}
        g.force = right_base
        groups.append(g)
    return groups


# -- agreement -----------------------------------------------------------------------------


def agreement_groups(words: list[Word], lex: frozenset[str]) -> list[Group]:
    by_key: dict[tuple[str, str], dict[str, list[Occurrence]]] = defaultdict(lambda: defaultdict(list))
    for w in words:
        n = w.next
        if n is None or not w.text.islower() or not n.text.islower() or len(w.lower) < 3:
            continue
        stem, ending = w.lower, ""
        if w.lower.endswith(("e", "t")) and w.lower[:-1] in lex:
            stem, ending = w.lower[:-1], w.lower[-1]
        elif w.lower not in lex:
            continue
        if not _adjective_like(stem):
            continue
        occurrence = Occurrence(w.doc, w.block, w.start, w.end, w.text)
        by_key[(stem, n.lower)][ending].append(occurrence)
    groups = []
    for (stem, noun), forms in by_key.items():
        if "" not in forms or len(forms) < 2:
            continue
        g = Group("agreement", f"{stem} {noun}")
        g.forms = {f"{stem}{ending}": occ for ending, occ in forms.items()}
        g.rewrite = {form: (lambda text, form=form: _same_case(form, text)) for form in g.forms}
        g.label = {form: f"{form} {noun}" for form in g.forms}
        # Only the bare form can be wrong: "lokalt tilbud" and "lokale tilbud" are both right.
        g.only_report = stem  # type: ignore[attr-defined]
        groups.append(g)
    return groups


_ADJECTIVE_SUFFIXES = ("ig", "lig", "sk", "isk", "ell", "al", "iv", "ær", "bar", "som", "løs", "fri", "ent", "ant")
_COMMON_ADJECTIVES = frozenset("god stor ny liten lang høy lav sterk svak rik fattig rask trygg fri grønn ung gammel varm kald tung lett fin".split())


def _adjective_like(word: str) -> bool:
    """An adjective by its ending (regional, viktig, politisk) or a common one (god, stor)."""
    return word in _COMMON_ADJECTIVES or any(word.endswith(s) and len(word) >= len(s) + 3 for s in _ADJECTIVE_SUFFIXES)


# -- optional forms -------------------------------------------------------------------------


def optional_groups(words: list[Word], lex: frozenset[str], lang: str) -> list[Group]:
    """One word written in two optional forms in the same programme."""
    groups: list[Group] = []
    if lang == "nb":
        by_stem: dict[str, dict[str, list[Word]]] = defaultdict(lambda: defaultdict(list))
        for w in words:
            if not w.common:
                continue
            for ending in ("en", "et", "a"):
                if w.lower.endswith(ending) and len(w.lower) - len(ending) >= 3:
                    by_stem[w.lower[: -len(ending)]][ending].append(w)
                    break
        for stem, forms in by_stem.items():
            if "a" not in forms:
                continue
            if "en" in forms and stem in lex:  # boka / boken: a feminine noun
                pair = ("a", "en")
            elif "et" in forms and stem + "e" in lex:  # kasta / kastet: past tense
                pair = ("a", "et")
            else:
                continue
            g = Group("optional", stem)
            for ending in pair:
                g.forms[stem + ending] = [Occurrence(w.doc, w.block, w.start, w.end, w.text) for w in forms[ending]]
            g.rewrite = {form: (lambda text, form=form: _same_case(form, text)) for form in g.forms}
            g.label = {form: form for form in g.forms}
            groups.append(g)
        return groups
    if lang == "nn":
        j_forms: dict[str, dict[str, list[Word]]] = defaultdict(lambda: defaultdict(list))
        infinitive = Group("optional", "infinitiv")
        previous = ""
        for w in words:
            low = w.lower
            if low.endswith(("kje", "gje")) and low[:-2] + "e" in lex:
                j_forms[low[:-2] + "e"][low].append(w)
            elif low.endswith(("ke", "ge")) and low[:-1] + "je" in lex:
                j_forms[low][low].append(w)
            if previous == "å" and w.common and low.endswith(("a", "e")) and len(low) >= 3:
                infinitive.forms[low[-1]].append(Occurrence(w.doc, w.block, w.start, w.end, w.text))
            previous = low
        for key, forms in j_forms.items():
            if len(forms) < 2:
                continue
            g = Group("optional", key)
            g.forms = {form: [Occurrence(w.doc, w.block, w.start, w.end, w.text) for w in ws] for form, ws in forms.items()}
            g.rewrite = {form: (lambda text, form=form: _same_case(form, text)) for form in g.forms}
            g.label = {form: form for form in g.forms}
            groups.append(g)
        if len(infinitive.forms) == 2:
            infinitive.rewrite = {
                "a": lambda text: text[:-1] + "a",
                "e": lambda text: text[:-1] + "e",
            }
            infinitive.label = {"a": "a-infinitiv (å kasta)", "e": "e-infinitiv (å kaste)"}
            groups.append(infinitive)
    return groups


def _same_case(new: str, old: str) -> str:
    if old.isupper() and len(old) > 1:
        return new.upper()
    if old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def all_groups(kind: str, words: list[Word], lang: str, options: dict[str, float]) -> list[Group]:
    lex = lemmas(lang)
    if kind == "compound":
        return compound_groups(words, lex)
    if kind == "saerskriving":
        return saerskriving_groups(words, lex) if lex else []
    if kind == "linking":
        return linking_groups(words, lex) if lex else []
    if kind == "case":
        return case_groups(words)
    if kind == "misspelling":
        return misspelling_groups(words, both_standards(), int(options.get("min_frequent", 3))) if lex else []
    if kind == "agreement":
        return agreement_groups(words, lex) if lex else []
    if kind == "optional":
        return optional_groups(words, lex, lang) if lex else []
    raise ValueError(kind)


KINDS = ("compound", "saerskriving", "linking", "case", "misspelling", "agreement", "optional")

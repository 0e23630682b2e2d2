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
from klarsyn.engine import cancel
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
    # The forms that may be proposed at all (None: any); a group whose majority form is
    # not among them is not reported.
    dominant_only: frozenset[str] | None = None
    # Extra message values for single occurrences (id of the occurrence -> values).
    notes: dict[int, dict[str, str]] = field(default_factory=dict)


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
            cancel.check()  # the language server stops this pass when the author types
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
    for ending in ("er", "ene", "ere", "ne", "a", "en", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            # the -e- of -el, -er, -en drops before an ending: bibler (bibel), vinduer, søstre (søster)
            if stem[-1] in "lrn" and stem[:-1] + "e" + stem[-1] in lex:
                return True
            # a vowel shift in the plural: bønder (bonde), bøker (bok), netter (natt), hender (hånd)
            for new_vowel, old_vowels in (("ø", "oå"), ("e", "aå"), ("æ", "å"), ("y", "u")):
                for i, c in enumerate(stem):
                    if c == new_vowel:
                        for v in old_vowels:
                            base = stem[:i] + v + stem[i + 1 :]
                            if base in lex or base + "e" in lex:
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
            # A function word before a hyphen (ikke-kommersielle) makes no compound to compare.
            if len(first) >= 3 and len(rest) >= 3 and first.isalpha() and rest.replace("-", "").isalpha() and first.lower() not in _FUNCTION:
                hyphen[w.lower.replace("-", "")].append((Occurrence(w.doc, w.block, w.start, w.end, w.text), len(first)))
        elif len(w.lower) >= 6:
            closed_count[w.lower] += 1
    split: dict[str, list[tuple[Occurrence, int]]] = defaultdict(list)
    for w in words:
        n = w.next
        if n is None or not w.text[0].islower() or not n.text.isalpha() or len(w.lower) < 3 or len(n.lower) < 3:
            continue
        if n.lower in _FUNCTION:
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
        # A function word and the next word are two words, whatever they spell together:
        # «for eldre» is never joined into «foreldre» (only «etterkvart» split into «etter kvart»).
        if any(o.text.split(" ")[0].lower() in _FUNCTION for o, _ in split.get(key, [])):
            g.dominant_only = frozenset({"split"})
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
    return bound and not _genitive(first) and _joined_known(first, second, lex)


def _joined_known(first: str, second: str, lex: frozenset[str]) -> bool:
    """The two words written together are a dictionary word with the second word's own
    ending: «fritids tilbudene» → «fritidstilbud» + -ene. «verdens rikeste» is no
    «verdensrike» + -ste, since «rikeste» is «rik» + -este."""
    base, ending = split_inflection(second, lex)
    return first + second in lex or (bool(ending) and first + base in lex)


def _genitive(first: str) -> bool:
    """An -s that reads as a genitive, not a linking letter: after a definite-looking
    ending (verdens, landets, kommunens) or after a vowel (Norges-type «skoles»)."""
    if not first.endswith("s"):
        return False
    stem = first[:-1]
    return stem.endswith(("en", "et", "ene", "a", "i", "o", "y", "æ", "ø", "å")) or stem.endswith("e") and not stem.endswith(("else", "nde"))


# Words before which a verb stands as a verb («å spare penger», «skal aldri spare penger»).
_VERB_CONTEXT = frozenset(
    """å og skal vil kan må bør skulle ville kunne måtte burde aldri ikke ikkje ofte alltid
    også òg kan vil lar la får fekk fikk""".split()
)

# Adjectives, determiners and quantifiers: a free word before a noun, never a compound's
# first part written apart («privat skole», «fast lege», «egen utvikling», «i all tid»).
_FREE = frozenset(
    """stor store stort god gode godt ny nye nytt gammel gamle gammelt liten lite lita små
    lang lange langt høy høye høyt høg høge høgt lav lave lavt låg låge lågt privat private
    fast faste fri frie fritt egen eget egne eigen eige eigne annen annet andre anna all alt
    alle hel hele heile heilt samme same neste siste første ung unge ungt ekte rik rike rikt
    fattig fattige sterk sterke sterkt svak svake svakt rask raske raskt trygg trygge trygt
    grønn grønne grønt ren rene rent fersk ferske kort korte kald kalde varm varme tung tunge
    lett lette fin fine fint full fulle fullt tom tomme åpen åpne åpent open opne ope rett
    rette riktig riktige felles mye mykje mange fleire flere få noen nokon ingen begge slik
    slike sånn sånne hver kvar ethvert enhver offentlig offentleg offentlige offentlege
    norsk norske nasjonal nasjonale lokal lokale statlig statleg statlige statlege ekstra
    gratis moderne bra stakkars""".split()
)


# Cached per word type: the variant passes ask this of every word of the programme.
@lru_cache(maxsize=65536)
def _free_phrase(first: str) -> bool:
    """An adjective (also in its -e, -t, comparative and superlative forms), a determiner
    or a quantifier: it inflects on its own, so it is a word of its own."""
    if first in _FREE or _free_adjective(first):
        return True
    if first.endswith(("e", "t")) and (first[:-1] in _FREE or _free_adjective(first[:-1])):
        return True
    return first.endswith(("ste", "este", "ere", "are", "aste"))  # yngste, største, eldre-type


def _free_adjective(word: str) -> bool:
    """An adjective by an ending nouns seldom have (not -ent, -ant: konsulent, student)."""
    return any(word.endswith(x) and len(word) >= len(x) + 3 for x in ("ig", "lig", "leg", "isk", "ell", "al", "iv", "bar", "som", "løs", "ær"))


def saerskriving_groups(words: list[Word], lex: frozenset[str]) -> list[Group]:
    closed_forms = {w.lower for w in words if "-" not in w.text}
    groups: dict[str, Group] = {}
    # The words by their small-letter form, made when the first group needs its closed
    # form's uses (a walk over the programme's words per group before).
    by_lower: dict[str, list[Word]] | None = None
    previous: Word | None = None
    for w in words:
        prev, previous = previous, w
        n = w.next
        if n is None or len(w.lower) < 3 or len(n.lower) < 3 or not w.text.islower() or not n.text.islower() or not n.text.isalpha():
            continue
        if _free_phrase(w.lower) or w.lower in _FUNCTION or n.lower in _FUNCTION:
            continue
        if prev is not None and prev.next is w and prev.lower in _VERB_CONTEXT and w.lower.endswith(("e", "a")):
            continue  # «å spare penger»: a verb and its object
        key = w.lower + n.lower
        evidence = key in closed_forms
        with_evidence = evidence and w.lower in lex and not _genitive(w.lower) and _joined_known(w.lower, n.lower, lex)
        if not (with_evidence or _saerskriving(w.lower, n.lower, lex)):
            continue
        g = groups.get(key)
        if g is None:
            g = groups[key] = Group("saerskriving", key, force=key)
            uses: list[Word] = []
            if evidence:
                if by_lower is None:
                    by_lower = defaultdict(list)
                    for c in words:
                        by_lower[c.lower].append(c)
                uses = by_lower.get(key, [])
            g.forms[key] = [Occurrence(c.doc, c.block, c.start, c.end, c.text) for c in uses if c.text.islower()]
            g.rewrite = {key: lambda text: text.replace(" ", "")}
            g.label = {key: key}
        g.forms[f"{w.lower} {n.lower}"].append(Occurrence(w.doc, w.block, w.start, n.end, f"{w.text} {n.text}"))
    return list(groups.values())


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


def case_groups(words: list[Word], lex: frozenset[str] = frozenset(), terms: dict[str, str] | None = None) -> list[Group]:
    """A name or acronym written in capitals and with a capital first letter (NAV / Nav).
    A name a term base settles (``terms``: lower case → preferred form) is left to it.
    The capital form is never proposed for an ordinary word (nav, the hub), nor for a
    name read as a word (Nato, Enova): Norwegian writes those with one capital."""
    terms = terms or {}
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
        if "upper" not in forms or "title" not in forms or key in terms:
            continue
        g = Group("case", key)
        if key in lex or _word_like(key):
            g.dominant_only = frozenset({"title"})
        g.forms = dict(forms)
        g.rewrite = {
            "upper": lambda text: text.upper(),
            "title": lambda text: text[0].upper() + text[1:].lower(),
        }
        g.label = {f: g.rewrite[f](occ[0].text) for f, occ in forms.items()}  # type: ignore[operator]
        groups.append(g)
    return groups


def _word_like(key: str) -> bool:
    """An abbreviation read as a word (nato, enova, unicef): at least four letters with
    vowels and consonants alternating as in a word, not letters read one by one (nrk, sfo)."""
    if len(key) < 4 or not key.isalpha():
        return False
    vowels = sum(c in _VOWELS for c in key)
    return 0 < vowels < len(key) and not any(c not in _VOWELS and d not in _VOWELS and e not in _VOWELS for c, d, e in zip(key, key[1:], key[2:]))


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


def _one_typo(a: str, b: str) -> bool:
    """``_distance(a, b, 1) <= 1``, told without the table: the same word, or one letter
    wrong, too many, too few, or two neighbours swapped."""
    if a == b:
        return True
    if len(a) == len(b):
        wrong = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        if len(wrong) == 1:
            return True
        return len(wrong) == 2 and wrong[1] == wrong[0] + 1 and a[wrong[0]] == b[wrong[1]] and a[wrong[1]] == b[wrong[0]]
    if len(a) < len(b):
        a, b = b, a
    if len(a) - len(b) != 1:
        return False
    i = 0
    while i < len(b) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i:]


# Short words the lemma lists leave out; a word after them is no PDF fragment («i byområer»).
_SHORT_WORDS = frozenset({"i", "å", "er", "e", "ø"})


def misspelling_groups(words: list[Word], lex: frozenset[str], min_frequent: int = 3) -> list[Group]:
    """A word used once, unknown to the lexicon, one typo away from a form of a word the
    lexicon knows and the programme uses at least ``min_frequent`` times. The two must end
    alike (the same last two letters), so an inflection (fremst / fremsto, hjelp / hjulpet)
    is never taken for a typo."""
    families: dict[str, list[Word]] = defaultdict(list)  # base -> words
    base_of: dict[str, str] = {}  # per word type: a programme has far fewer types than words
    for w in words:
        low = w.lower
        if len(low) >= 5 and "-" not in w.text and w.common:
            base = base_of.get(low)
            if base is None:
                base = base_of[low] = split_inflection(low, lex)[0]
            families[base].append(w)
    # (length, first letter, last two letters) -> form -> base: a typo's fix has the
    # same first letter and ending, so only that bucket is compared letter by letter.
    surface: dict[tuple[int, str, str], dict[str, str]] = defaultdict(dict)
    for base, ws in families.items():
        if len(ws) >= min_frequent and known(base, lex):
            for w in ws:
                low = w.lower
                surface[len(low), low[0], low[-2:]][low] = base
    # Every word of the programme and its beginnings (straffe in strafferamme).
    prefixes = {w[:i] for w in families for i in range(5, len(w) + 1)}
    # Words next to a fragment the lexicon does not know («Stra eloven»: Straffeloven).
    fragments: set[int] = set()
    previous: Word | None = None
    for w in words:
        if (previous is not None and previous.next is w and len(previous.lower) <= 5 and not known(previous.lower, lex)
                and previous.lower not in _FUNCTION and previous.lower not in _SHORT_WORDS):
            fragments.add(id(w))
        previous = w
    groups = []
    for base, ws in families.items():
        if len(ws) > 1 or len(ws) >= min_frequent:
            continue
        rare = ws[0]
        if rare.sentence_start or not rare.text.isalpha() or len(rare.lower) < 6:
            continue  # a capitalised first word may be a name
        r = rare.lower
        if _garbled(r) or id(rare) in fragments:
            continue  # text broken by the PDF conversion (lhenger: tilhenger), not a typo
        if known(r, lex):  # the costly test last (the order of these tests changes nothing else)
            continue
        if r.endswith("st") and any(known(r[:-2] + ending, lex) for ending in ("je", "e", "a")):
            continue  # a Nynorsk s-verb («det spørst», of spørje), not a typo
        best: tuple[int, str, str] | None = None  # uses of the family, right form, its base
        for length in (len(r) - 1, len(r), len(r) + 1):
            for form, form_base in surface.get((length, r[0], r[-2:]), {}).items():
                if not _one_typo(r, form):
                    continue
                uses = len(families[form_base])
                if best is None or uses > best[0]:
                    best = (uses, form, form_base)
        if best is None:
            continue
        _uses, right, right_base = best
        if _other_known(r, right_base, lex, prefixes):
            continue  # staffes: skaffes or straffes? No certain fix.
        g = Group("misspelling", right_base)
        g.forms[right_base] = [Occurrence(w.doc, w.block, w.start, w.end, w.text) for w in families[right_base]]
        g.forms[r] = [Occurrence(rare.doc, rare.block, rare.start, rare.end, rare.text)]
        g.rewrite = {right_base: lambda text, right=right: _same_case(right, text)}
        g.label = {right_base: right_base, r: r}
        g.force = right_base
        groups.append(g)
    return groups


_ONSETS = frozenset(
    "bl br dr dj dv fj fl fr gj gl gn gr hj hv kj kl kn kr kv pj pl pr sj sk sl sm sn sp st sv "
    "tj tr tv vr ch th ph sh sc ps pn wh".split()
)
_VOWELS = frozenset("aeiouyæøåéèáàü")


def _garbled(word: str) -> bool:
    """Starts with two consonants no Norwegian word starts with (lliten, lhenger): letters
    lost in the PDF conversion, not a typo to correct."""
    return len(word) > 2 and word[0] not in _VOWELS and word[1] not in _VOWELS and word[:2] not in _ONSETS


_LETTERS = "abcdefghijklmnopqrstuvwxyzæøå"


def _other_known(rare: str, right_base: str, lex, used) -> bool:  # type: ignore[no-untyped-def]
    """Another known word one typo from ``rare`` (same first letter and ending), of another
    base than the proposed fix, that the programme uses too: then the fix is a guess."""
    candidates = set()
    for i in range(1, len(rare) + 1):
        candidates.add(rare[:i] + rare[i + 1 :])  # a letter too many
        for c in _LETTERS:
            candidates.add(rare[:i] + c + rare[i:])  # a letter too few
            if i < len(rare):
                candidates.add(rare[:i] + c + rare[i + 1 :])  # a wrong letter
    for i in range(1, len(rare) - 1):
        candidates.add(rare[:i] + rare[i + 1] + rare[i] + rare[i + 2 :])
    candidates.discard(rare)
    for c in candidates:
        if len(c) < 4 or c[-2:] != rare[-2:] or c.startswith(right_base):
            continue
        if c in lex:
            base = c
        else:
            base, ending = split_inflection(c, lex)
            if not ending or len(base) < 4:
                continue
        if not right_base.startswith(base) and (base in used or c in used):
            return True
    return False


# -- agreement -----------------------------------------------------------------------------


# Words after which an attributive adjective takes the weak -e form: the definite article
# and demonstratives (with a definite noun after: «de lokale tilbudene», «den gode
# skolen») and possessives («vår gode skole»).
_DEFINITE_DETERMINERS = frozenset("den det de dei denne dette disse desse".split())
_POSSESSIVES = frozenset(
    """min mi mitt mine din di ditt dine sin si sitt sine vår vårt våre deres hans hennes
    dykkar hennar deira""".split()
)
_DEFINITE_ENDINGS = frozenset(("en", "et", "a", "ene", "ane", "na", "ne", "i"))


def agreement_groups(words: list[Word], lex: frozenset[str]) -> list[Group]:
    """An adjective without its -e ending in the one place that demands it: after a
    definite article, demonstrative, possessive or plural quantifier and directly before
    a noun (``de lokal tilbudene``, ``våre sosial tjenester``), when the programme also
    writes that adjective with -e. A predicative adjective (``er avhengig av``), one
    before ``og`` (``en god og trygg skole``) or an adverb (``de offentlig ansatte``) is
    never flagged: there the bare form is right."""
    weak: dict[str, list[Occurrence]] = defaultdict(list)
    bare: dict[str, list[Occurrence]] = defaultdict(list)
    determiners: dict[int, dict[str, str]] = {}
    previous: Word | None = None
    for w in words:
        prev, previous = previous, w
        n = w.next
        if not w.common or len(w.lower) < 3:
            continue
        if w.lower.endswith("e") and _adjective_like(w.lower[:-1]) and w.lower[:-1] in lex:
            weak[w.lower[:-1]].append(Occurrence(w.doc, w.block, w.start, w.end, w.text))
            continue
        if n is None or prev is None or prev.next is not w or prev.lower not in _DEFINITE_DETERMINERS | _POSSESSIVES:
            continue
        if w.lower not in lex or not _adjective_like(w.lower) or not _noun_like(n, lex):
            continue
        # «er det stor mangel på», «det lav kriminalitet»: «det» is the subject there, and
        # the noun is indefinite; after an article the noun is definite («det store huset»).
        if prev.lower in _DEFINITE_DETERMINERS and split_inflection(n.lower, lex)[1] not in _DEFINITE_ENDINGS:
            continue
        o = Occurrence(w.doc, w.block, w.start, w.end, w.text)
        bare[w.lower].append(o)
        determiners[id(o)] = {"determiner": prev.text}
    groups = []
    for stem, occurrences in bare.items():
        if not weak.get(stem):
            continue  # the -e form is not used anywhere: no certain fix
        g = Group("agreement", stem, force=stem + "e", reason="weak")
        g.forms = {stem + "e": weak[stem], stem: occurrences}
        g.rewrite = {stem + "e": (lambda text, form=stem + "e": _same_case(form, text))}
        g.label = {stem + "e": stem + "e", stem: stem}
        g.only_report = stem  # type: ignore[attr-defined]
        g.notes = {id(o): determiners[id(o)] for o in occurrences}
        groups.append(g)
    return groups


def _noun_like(w: Word, lex: frozenset[str]) -> bool:
    """The word after the adjective looks like a noun: small letters, known to the
    lexicon, no function word, no adjective or participle (``de offentlig ansatte``)."""
    low = w.lower
    if not w.text.islower() or not w.text.isalpha() or len(low) < 3 or low in _FUNCTION:
        return False
    if _adjective_like(low) or (low.endswith(("e", "t")) and _adjective_like(low[:-1])):
        return False
    # an inflected adjective after an adverb: «de psykisk syke», «sitt juridisk reelle nivå», «de historisk største»
    if low.endswith(("ste", "este")) or (low.endswith("e") and not low.endswith("ere") and low not in lex and low[:-1] in lex):
        return False
    from klarsyn.checks.passive import is_participle

    if is_participle(low, "nb", lex) or (low.endswith("e") and is_participle(low[:-1], "nb", lex)):
        return False
    return known(low, lex)


_ADJECTIVE_SUFFIXES = ("ig", "lig", "sk", "isk", "ell", "al", "iv", "ær", "bar", "som", "løs", "fri", "ent", "ant")
_COMMON_ADJECTIVES = frozenset("god stor ny liten lang høy lav sterk svak rik fattig rask trygg fri grønn ung gammel varm kald tung lett fin".split())


@lru_cache(maxsize=65536)  # per word type: asked of every word of the programme
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
            # j-forms only where a verb stands (å styrkje, skal byggje): «styrke» is a noun too.
            if previous in _INFINITIVE_BEFORE:
                if low.endswith(("kje", "gje")) and low[:-2] + "e" in lex:
                    j_forms[low[:-2] + "e"][low].append(w)
                elif low.endswith(("ke", "ge")) and low[:-1] + "je" in lex:
                    j_forms[low][low].append(w)
            # Only verbs with both endings: «å kasta» / «å kaste». «bidra», «ivareta», «delta»
            # end in -a in either system and have no -e form.
            if previous == "å" and w.common and len(low) >= 3:
                if low.endswith("a") and low[:-1] + "e" in lex and low not in lex:
                    infinitive.forms["a"].append(Occurrence(w.doc, w.block, w.start, w.end, w.text))
                elif low.endswith("e") and low in lex and low[:-1] + "a" not in lex:
                    infinitive.forms["e"].append(Occurrence(w.doc, w.block, w.start, w.end, w.text))
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
            # The form shown is the word itself in the other ending, not a description.
            infinitive.label = {}
            infinitive.per_use_label = True  # type: ignore[attr-defined]
            infinitive.what = {"a": "a-infinitiv", "e": "e-infinitiv"}  # type: ignore[attr-defined]
            groups.append(infinitive)
    return groups


_INFINITIVE_BEFORE = frozenset("å skal vil kan må bør skulle ville kunne måtte burde lat la få".split())


def _same_case(new: str, old: str) -> str:
    if old.isupper() and len(old) > 1:
        return new.upper()
    if old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


class _CancellableWords(list):  # type: ignore[type-arg]
    """The pass's word list: iterating it polls cancel.check() every 1,024 words, so each
    kind's loops over the programme's words stop soon after the author types again."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        # A chunk at a time: the loops run this for every word of the programme, seven
        # times a pass, so the per-word work stays in C (``yield from`` over a slice).
        for start in range(0, len(self), 1024):
            cancel.check()
            yield from list.__getitem__(self, slice(start, start + 1024))


def all_groups(kind: str, words: list[Word], lang: str, options: dict[str, float], terms: dict[str, str] | None = None) -> list[Group]:
    lex = lemmas(lang)
    cancel.check()
    words = _CancellableWords(words)
    if kind == "compound":
        return compound_groups(words, lex)
    if kind == "saerskriving":
        return saerskriving_groups(words, lex) if lex else []
    if kind == "linking":
        return linking_groups(words, lex) if lex else []
    if kind == "case":
        return case_groups(words, lex, terms or {})
    if kind == "misspelling":
        return misspelling_groups(words, both_standards(), int(options.get("min_frequent", 3))) if lex else []
    if kind == "agreement":
        return agreement_groups(words, lex) if lex else []
    if kind == "optional":
        return optional_groups(words, lex, lang) if lex else []
    raise ValueError(kind)


KINDS = ("compound", "saerskriving", "linking", "case", "misspelling", "agreement", "optional")

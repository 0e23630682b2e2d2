"""Term lists that match inflected forms, compiled into one pass per rule.

A term's forms are generated with regular Norwegian endings (noun, adjective and
verb suffixes on the base and on the base without a final ``-e``); irregular forms
(``formenn``) are listed in the pack. All forms of a rule go into one table keyed by
their first word, so a rule with hundreds of terms costs one dictionary probe per word
of text. A term matches only whole tokens: ``formann`` never fires inside
``formannskapet`` or ``formann-rollen``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

SUFFIXES = (
    "e", "en", "et", "er", "ere", "ene", "a", "s", "es", "ens", "ets", "enes",
    "r", "t", "te", "de", "ede", "ne", "n", "st", "ende",
)  # fmt: skip
# Nynorsk noun plurals (-ar, -ane), for terms of packs whose language is nn only.
NN_SUFFIXES = ("ar", "ane")

# Same length as the text it replaces, so offsets stay valid: all white space is one space.
_WHITESPACE = str.maketrans({c: " " for c in "\t\n\r\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u3000"})


def normalize_space(text: str) -> str:
    return text.translate(_WHITESPACE)


@dataclass(frozen=True)
class Term:
    term: str
    replace: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    inflect: bool = True
    note: str = ""
    severity: str | None = None
    line: int = 0  # where the entry is in its YAML file
    # A verb term: the present, past and participle of its first word (the infinitive is
    # the term). Its replacements are then conjugated to the matched form (VERBS below).
    verb: tuple[str, ...] = ()
    # None: the rule's fix_safety; "none": no fix is offered (the message still suggests).
    fix: str | None = None
    # How a one-word replacement treats the match's ending: carry it over ("carry"), use
    # the replacement as written ("drop"), or offer a fix for the exact term only ("exact").
    ending: str = "carry"
    # Previous words (lower case) after which the term is not flagged at all ("St.meld. nr.").
    not_after: tuple[str, ...] = ()
    # Next words (lower case) before which it is not flagged («har som følge av»: a phrase).
    not_before: tuple[str, ...] = ()
    # Per replacement, parallel to ``replace``: (previous words, next words) that must hold
    # for it to be offered as a fix; empty tuples mean no condition. When a conditional
    # replacement holds, only the conditional ones that hold are offered.
    when: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    # Endings generated on top of SUFFIXES: the Nynorsk packs add NN_SUFFIXES («dvergar»,
    # «døvetolkane»), which the Bokmål packs must not («lesbe» → «lesbar»).
    suffixes: tuple[str, ...] = ()


def verb_forms(term: Term) -> set[str]:
    """A verb term's own forms (present, past, participle and the s-passive), as phrases."""
    if not term.verb:
        return set()
    head, _, rest = " ".join(term.term.split()).partition(" ")
    tail = f" {rest}" if rest else ""
    heads = {p for p in term.verb if p and p != "-"}
    passive = nn_passive(head) if is_nynorsk(term) else (head + "s" if not head.endswith("s") else None)
    if passive:
        heads.add(passive)
    return {f"{h}{tail}" for h in heads}


def is_nynorsk(term: Term) -> bool:
    """A term of a Nynorsk pack: the loader gives those the Nynorsk noun endings."""
    return "ane" in term.suffixes


def nn_passive(infinitive: str) -> str | None:
    """The Nynorsk s-passive of a verb, the same in the infinitive and the present
    («skal startast», «vert startast» is no form, «tiltaket startast no»): the infinitive's
    final -e or -a swapped for -ast. None for the short verbs (ta, gå, sjå), whose passive
    the rule does not guess."""
    if len(infinitive) > 3 and infinitive[-1] in "ea" and not infinitive.endswith("s"):
        return infinitive[:-1] + "ast"
    return None


def inflected_forms(term: Term) -> set[str]:
    base = " ".join(term.term.split())
    forms = {base, *(" ".join(f.split()) for f in term.forms), *verb_forms(term)}
    if not term.inflect or "." in base:
        return forms
    head, _, rest = base.partition(" ")
    tail = f" {rest}" if rest else ""
    stems = {head}
    if head.endswith("e") and len(head) > 2:
        stems.add(head[:-1])
    for stem in stems:
        for suffix in SUFFIXES + term.suffixes:
            forms.add(f"{stem}{suffix}{tail}")
    return forms


# A token for term matching: letters and digits, joined by inner periods, apostrophes
# or hyphens (so "f.eks.", "NAVs" and "formann-rollen" are each one token), with a
# final period kept so abbreviations match; the period is tried off as well.
_TOKEN = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:[.'’\-][\p{L}\p{N}][\p{L}\p{M}\p{N}]*)*\.?")

Token = tuple[int, int, str, str]  # start, end, text, text in lower case


def term_tokens(text: str) -> list[Token]:
    return [(m.start(), m.end(), (w := m.group()), w.lower()) for m in _TOKEN.finditer(text)]


@dataclass
class TermMatcher:
    """Finds terms by looking tokens up in a table of forms: one dictionary probe per
    token, whatever the number of terms, instead of a regular expression over the text."""

    terms: list[Term]
    case_sensitive: bool = False
    # first word -> [(the following words, term)], longest phrases first
    _index: dict[str, list[tuple[tuple[str, ...], Term]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[tuple[tuple[str, ...], Term]]] = {}
        seen: set[str] = set()
        # Terms as written first, so "heime" belongs to the term "heime" and not to the
        # generated forms of "heim"; then the generated forms, earlier terms winning.
        written = [(t, {" ".join(t.term.split()), *(" ".join(f.split()) for f in t.forms), *verb_forms(t)}) for t in self.terms]
        generated = [(t, inflected_forms(t)) for t in self.terms]
        for term, forms in written + generated:
            for form in sorted(forms):
                key = form if self.case_sensitive else form.lower()
                if key in seen:
                    continue
                seen.add(key)
                words = key.split(" ")
                index.setdefault(words[0], []).append((tuple(words[1:]), term))
        for candidates in index.values():
            candidates.sort(key=lambda c: -len(c[0]))
        self._index = index

    def _key(self, token: Token) -> str:
        return token[2] if self.case_sensitive else token[3]

    def finditer(self, text: str, tokens: list[Token] | None = None):  # type: ignore[no-untyped-def]
        """(start, end, matched text, term) for each match in ``text``."""
        tokens = term_tokens(text) if tokens is None else tokens
        index = self._index
        field_ = 2 if self.case_sensitive else 3
        n = len(tokens)
        i = 0
        while i < n:
            first = tokens[i][field_]
            candidates = index.get(first)
            if candidates is None:
                if first[-1] != ".":
                    i += 1
                    continue
                first = first[:-1]
                candidates = index.get(first)
                if candidates is None:
                    i += 1
                    continue
            start = tokens[i][0]
            for rest, term in candidates:
                j = i + len(rest)
                if j >= n or (rest and not self._follows(text, tokens, i, first, rest)):
                    continue
                last_end, last_word = tokens[j][1], tokens[j][3]
                expected = rest[-1] if rest else first
                # A sentence's final period is not part of the term, unless the term ends in one.
                stop = last_end - 1 if last_word.endswith(".") and not expected.endswith(".") else last_end
                yield start, stop, text[start:stop], term
                i = j
                break
            i += 1

    def _follows(self, text: str, tokens: list[Token], i: int, first: str, rest: tuple[str, ...]) -> bool:
        """Do the tokens after ``i`` spell ``rest``, separated by white space only?"""
        expected_words = (first, *rest)
        for k, expected in enumerate(rest, start=1):
            prev_end, prev_word = tokens[i + k - 1][1], tokens[i + k - 1][3]
            start = tokens[i + k][0]
            if text[prev_end:start].strip():
                return False
            if prev_word.endswith(".") and not expected_words[k - 1].endswith("."):
                return False  # a phrase never runs across the end of a sentence
            key = self._key(tokens[i + k])
            if key != expected and not (k == len(rest) and key.endswith(".") and key[:-1] == expected):
                return False
        return True

    def forms_of(self, term: Term) -> set[str]:
        out = set()
        for first, candidates in self._index.items():
            for rest, t in candidates:
                if t is term:
                    out.add(" ".join((first, *rest)))
        return out


# -- conjugating a verb replacement ----------------------------------------------------
#
# The verbs that replacements of verb terms begin with: infinitive -> (present, past,
# participle). A replacement whose first word is not here gets no fix for an inflected match.
VERBS: dict[str, tuple[str, str, str]] = {
    "angå": ("angår", "angikk", "angått"), "avvike": ("avviker", "avvek", "avveket"),
    "be": ("ber", "ba", "bedt"), "betale": ("betaler", "betalte", "betalt"),
    "bidra": ("bidrar", "bidro", "bidratt"), "bli": ("blir", "ble", "blitt"),
    "bruke": ("bruker", "brukte", "brukt"), "dekke": ("dekker", "dekket", "dekket"),
    "delta": ("deltar", "deltok", "deltatt"), "drive": ("driver", "drev", "drevet"),
    "eie": ("eier", "eide", "eid"), "eksistere": ("eksisterer", "eksisterte", "eksistert"),
    "erstatte": ("erstatter", "erstattet", "erstattet"), "feste": ("fester", "festet", "festet"),
    "finne": ("finner", "fant", "funnet"), "finnes": ("finnes", "fantes", "-"),
    "fjerne": ("fjerner", "fjernet", "fjernet"), "fortelle": ("forteller", "fortalte", "fortalt"),
    "forvalte": ("forvalter", "forvaltet", "forvaltet"), "frakte": ("frakter", "fraktet", "fraktet"),
    "fullføre": ("fullfører", "fullførte", "fullført"), "følge": ("følger", "fulgte", "fulgt"),
    "føre": ("fører", "førte", "ført"), "få": ("får", "fikk", "fått"),
    "gi": ("gir", "ga", "gitt"), "gjelde": ("gjelder", "gjaldt", "gjeldt"),
    "gjennomføre": ("gjennomfører", "gjennomførte", "gjennomført"), "gjennomgå": ("gjennomgår", "gjennomgikk", "gjennomgått"),
    "gjøre": ("gjør", "gjorde", "gjort"), "gå": ("går", "gikk", "gått"),
    "ha": ("har", "hadde", "hatt"), "hevde": ("hevder", "hevdet", "hevdet"),
    "hjelpe": ("hjelper", "hjalp", "hjulpet"), "holde": ("holder", "holdt", "holdt"),
    "høre": ("hører", "hørte", "hørt"), "informere": ("informerer", "informerte", "informert"),
    "innebære": ("innebærer", "innebar", "innebåret"), "kjøpe": ("kjøper", "kjøpte", "kjøpt"),
    "komme": ("kommer", "kom", "kommet"), "konsentrere": ("konsentrerer", "konsentrerte", "konsentrert"),
    "kontrollere": ("kontrollerer", "kontrollerte", "kontrollert"), "kreve": ("krever", "krevde", "krevd"),
    "kunngjøre": ("kunngjør", "kunngjorde", "kunngjort"), "la": ("lar", "lot", "latt"),
    "lage": ("lager", "laget", "laget"), "lede": ("leder", "ledet", "ledet"),
    "legge": ("legger", "la", "lagt"), "nevne": ("nevner", "nevnte", "nevnt"),
    "oppgi": ("oppgir", "oppga", "oppgitt"), "oppleve": ("opplever", "opplevde", "opplevd"),
    "oppnevne": ("oppnevner", "oppnevnte", "oppnevnt"), "oppstå": ("oppstår", "oppsto", "oppstått"),
    "ordne": ("ordner", "ordnet", "ordnet"), "plassere": ("plasserer", "plasserte", "plassert"),
    "påpeke": ("påpeker", "påpekte", "påpekt"), "påstå": ("påstår", "påsto", "påstått"),
    "regne": ("regner", "regnet", "regnet"), "råde": ("råder", "rådet", "rådet"),
    "se": ("ser", "så", "sett"), "selge": ("selger", "solgte", "solgt"),
    "sende": ("sender", "sendte", "sendt"), "sette": ("setter", "satte", "satt"),
    "skaffe": ("skaffer", "skaffet", "skaffet"), "skrive": ("skriver", "skrev", "skrevet"),
    "slutte": ("slutter", "sluttet", "sluttet"), "stanse": ("stanser", "stanset", "stanset"),
    "starte": ("starter", "startet", "startet"), "stille": ("stiller", "stilte", "stilt"),
    "stå": ("står", "sto", "stått"), "sørge": ("sørger", "sørget", "sørget"),
    "ta": ("tar", "tok", "tatt"), "sitte": ("sitter", "satt", "sittet"),
    "overta": ("overtar", "overtok", "overtatt"), "falle": ("faller", "falt", "falt"),
    "tilfalle": ("tilfaller", "tilfalt", "tilfalt"), "overføre": ("overfører", "overførte", "overført"),
    "framheve": ("framhever", "framhevet", "framhevet"), "peke": ("peker", "pekte", "pekt"),
    "etablere": ("etablerer", "etablerte", "etablert"), "tilgodese": ("tilgodeser", "tilgodeså", "tilgodesett"),
    "praktisere": ("praktiserer", "praktiserte", "praktisert"), "argumentere": ("argumenterer", "argumenterte", "argumentert"),
    "unnskylde": ("unnskylder", "unnskyldte", "unnskyldt"), "anskaffe": ("anskaffer", "anskaffet", "anskaffet"),
    "motta": ("mottar", "mottok", "mottatt"), "forårsake": ("forårsaker", "forårsaket", "forårsaket"),
    "anmode": ("anmoder", "anmodet", "anmodet"), "oppfordre": ("oppfordrer", "oppfordret", "oppfordret"), "tildele": ("tildeler", "tildelte", "tildelt"),
    "tilpasse": ("tilpasser", "tilpasset", "tilpasset"), "transportere": ("transporterer", "transporterte", "transportert"),
    "undersøke": ("undersøker", "undersøkte", "undersøkt"), "utarbeide": ("utarbeider", "utarbeidet", "utarbeidet"),
    "utnevne": ("utnevner", "utnevnte", "utnevnt"), "varsle": ("varsler", "varslet", "varslet"),
    "vente": ("venter", "ventet", "ventet"), "vise": ("viser", "viste", "vist"),
    "være": ("er", "var", "vært"),
}
# The same for Nynorsk (the 2012 norm), for the replacements of Nynorsk packs:
# infinitive -> (present, past, participle after «har», s-passive). Only verbs whose forms
# are certain; «-» where the form is not offered (no passive, or one the rule would
# guess). A replacement verb not here gets no fix for an inflected match, rather than a
# Bokmål form («startet») in a Nynorsk text.
def _a_verb(inf: str, passive: bool = True) -> tuple[str, str, str, str]:
    """kaste: kastar, kasta, kasta, kastast."""
    stem = inf[:-1]
    return (stem + "ar", stem + "a", stem + "a", stem + "ast" if passive else "-")


def _er_verb(inf: str) -> tuple[str, str, str, str]:
    """vurdere: vurderer, vurderte, vurdert, vurderast."""
    stem = inf[:-1]
    return (inf + "r", stem + "te", stem + "t", stem + "ast")


NN_VERBS: dict[str, tuple[str, str, str, str]] = {
    "vere": ("er", "var", "vore", "-"), "ha": ("har", "hadde", "hatt", "-"),
    "bli": ("blir", "blei", "blitt", "-"), "verte": ("vert", "vart", "vorte", "-"),
    "gjere": ("gjer", "gjorde", "gjort", "gjerast"), "avgjere": ("avgjer", "avgjorde", "avgjort", "avgjerast"),
    "gje": ("gjev", "gav", "gjeve", "-"), "gi": ("gir", "gav", "gitt", "-"),
    "ta": ("tek", "tok", "teke", "takast"), "delta": ("deltek", "deltok", "delteke", "-"),
    "få": ("får", "fekk", "fått", "-"), "gå": ("går", "gjekk", "gått", "-"),
    "gjennomgå": ("gjennomgår", "gjennomgjekk", "gjennomgått", "-"), "stå": ("står", "stod", "stått", "-"),
    "oppstå": ("oppstår", "oppstod", "oppstått", "-"), "sjå": ("ser", "såg", "sett", "-"),
    "kome": ("kjem", "kom", "kome", "-"), "komme": ("kjem", "kom", "komme", "-"),
    "finne": ("finn", "fann", "funne", "-"), "halde": ("held", "heldt", "halde", "haldast"),
    "skrive": ("skriv", "skreiv", "skrive", "skrivast"), "drive": ("driv", "dreiv", "drive", "drivast"),
    "gjelde": ("gjeld", "gjaldt", "gjeldt", "-"), "seie": ("seier", "sa", "sagt", "seiast"),
    "leggje": ("legg", "la", "lagt", "leggjast"), "legge": ("legg", "la", "lagt", "leggast"),
    "setje": ("set", "sette", "sett", "setjast"), "sette": ("set", "sette", "sett", "settast"),
    "sitje": ("sit", "sat", "sete", "-"), "falle": ("fell", "fall", "falle", "-"),
    "sende": ("sender", "sende", "sendt", "sendast"), "føre": ("fører", "førte", "ført", "førast"),
    "gjennomføre": ("gjennomfører", "gjennomførte", "gjennomført", "gjennomførast"),
    "fullføre": ("fullfører", "fullførte", "fullført", "fullførast"),
    "overføre": ("overfører", "overførte", "overført", "overførast"),
    "kjøpe": ("kjøper", "kjøpte", "kjøpt", "kjøpast"), "vise": ("viser", "viste", "vist", "visast"),
    "bruke": ("brukar", "brukte", "brukt", "brukast"), "høyre": ("høyrer", "høyrde", "høyrt", "høyrast"),
    "krevje": ("krev", "kravde", "kravd", "krevjast"), "fortelje": ("fortel", "fortalde", "fortalt", "forteljast"),
    "selje": ("sel", "selde", "selt", "seljast"), "følgje": ("følgjer", "følgde", "følgt", "følgjast"),
    "betale": ("betaler", "betalte", "betalt", "betalast"), "dekkje": ("dekkjer", "dekte", "dekt", "dekkjast"),
    "nemne": ("nemner", "nemnde", "nemnt", "nemnast"), "undersøkje": ("undersøkjer", "undersøkte", "undersøkt", "undersøkjast"),
    "styrkje": ("styrkjer", "styrkte", "styrkt", "styrkjast"), "hjelpe": ("hjelper", "hjelpte", "hjelpt", "-"),
    "syte": ("syter", "sytte", "sytt", "-"), "leie": ("leier", "leidde", "leidd", "leiast"),
    "eige": ("eig", "åtte", "ått", "-"), "arbeide": ("arbeider", "arbeidde", "arbeidd", "-"),
    "oppnå": ("oppnår", "oppnådde", "oppnådd", "-"),
    **{v: _a_verb(v) for v in """lage starte varsle ordne skaffe fjerne stanse erstatte tilpasse opne sikre
        auke kalle støtte hente handsame rette endre""".split()},
    **{v: _a_verb(v, passive=False) for v in "vente slutte byrje passe".split()},
    **{v: _er_verb(v) for v in """vurdere informere kontrollere etablere plassere praktisere konsentrere
        transportere argumentere""".split()},
    "eksistere": ("eksisterer", "eksisterte", "eksistert", "-"),
}
# Nynorsk phrases with no passive («ta slutt», «syte for»).
_NN_INTRANSITIVE = frozenset(["ta slutt", "høyre til", "høyre inn under", "la vere", "hjelpe til", "gå til", "kome til",
                              "komme til", "kome fram", "komme fram", "stå for", "syte for", "ta del"])

# Replacements with no s-passive and no passive participle: intransitive verbs and phrases.
_NO_PASSIVE = frozenset("være bli ha finnes oppstå gå komme bidra delta vente eksistere falle stå slutte".split())
_INTRANSITIVE = frozenset(["ta slutt", "høre til", "høre inn under", "la være", "bli utsatt", "hjelpe til",
                           "gå til", "komme til", "komme fram", "komme av", "stå for", "ha"])
# The auxiliaries after which a participle is passive or stative ("er iverksatt").
_BE = frozenset("er var vært blir ble blitt bli være".split())

MODALS = frozenset("skal kan må bør vil skulle kunne måtte burde ville å".split())
PERFECT = frozenset("har hadde ha er var vært blir ble blitt bli være".split())
# Words that may stand between an auxiliary and its verb.
ADVERBS = frozenset(
    """ikke også bare alltid aldri ofte heller derfor da nå snart likevel gjerne dessuten
    fortsatt allerede alt enda ennå helst kanskje nok vel jo visst neppe trolig altså
    raskt straks selv sjelden stadig igjen""".split()
)
# Subjects after which a past form in -te is a past tense, not a plural participle.
_SUBJECTS = frozenset("vi jeg han hun man du dere som".split())

# The same words in Nynorsk: «vart» and «vorte» are auxiliaries, «ikkje» an adverb.
_NN_PERFECT = frozenset("har hadde ha er var vore blir blei blitt bli vere vert vart vorte verte".split())
_NN_BE = frozenset("er var vore blir blei blitt bli vere vert vart vorte verte".split())
_NN_ADVERBS = frozenset(
    """ikkje også berre alltid aldri ofte heller difor då no snart likevel gjerne dessutan
    framleis allereie alt enno helst kanskje nok vel jo visst neppe truleg altså raskt
    straks sjølv sjeldan stadig igjen""".split()
)
_NN_SUBJECTS = frozenset("vi me eg han ho ein du de dykk dei som".split())


def verb_category(term: Term, head: str, before: list[str], after: str, lang: str = "nb") -> str | None:
    """What form of the verb term the matched first word ``head`` is: inf, pres, past,
    part or pass (s-passive), using the words ``before`` it (lower case, nearest last) and
    the word ``after`` it to tell forms apart that look alike. None: not a form we can
    replace with certainty (a present participle, an attributive participle)."""
    nn = lang == "nn"
    perfect, be, adverbs, subjects = (_NN_PERFECT, _NN_BE, _NN_ADVERBS, _NN_SUBJECTS) if nn else (PERFECT, _BE, ADVERBS, _SUBJECTS)
    inf = term.term.split()[0].lower()
    pres, past, part = (tuple(term.verb) + ("-", "-", "-"))[:3]
    head = head.lower()
    prev = next((w for w in reversed(before) if w not in adverbs), "")
    found = [c for c, f in (("inf", inf), ("pres", pres), ("past", past), ("part", part)) if f == head]
    passive = nn_passive(inf) if nn else (inf + "s" if not inf.endswith("s") else None)
    if not found and head == passive:
        return "pass"
    if not found:
        return None
    if "inf" in found and "pres" in found:
        return "inf" if prev in MODALS else "pres"
    if "past" in found and "part" in found:
        found = ["part"] if prev in perfect else ["past"]
    category = found[0]
    if category == "part" and prev in be:
        return "ppart"
    if category == "part" and prev not in perfect and after not in ("av", ""):
        return None  # attributive: "et iverksatt tiltak"
    if category == "past" and part != "-" and past == part + "e" and prev not in subjects:
        return None  # "de iverksatte tiltakene": a plural participle as often as a past
    return category


def conjugate(replacement: str, category: str, lang: str = "nb") -> str | None:
    """``føre til`` in the form ``category`` (``fører til``, ``førte til``, ``ført til``,
    ``føres til``), or None when the first word is not a verb we know. ``lang`` is the
    language of the replacement: «nn» conjugates it the Nynorsk way (NN_VERBS)."""
    head, _, rest = replacement.partition(" ")
    tail = f" {rest}" if rest else ""
    if category == "inf":
        return replacement
    if lang == "nn":
        return _conjugate_nn(head, tail, replacement, category)
    parts = VERBS.get(head)
    if parts is None:
        return None
    if category in ("pass", "ppart"):
        if head in _NO_PASSIVE or replacement in _INTRANSITIVE or " seg" in f" {rest}" or head.endswith("s"):
            return None
        if category == "pass":
            return f"{head}s{tail}"
        if head == "få":
            return None  # "søknaden ble mottatt" is not "ble fått"
    form = {"pres": parts[0], "past": parts[1], "part": parts[2], "ppart": parts[2]}[category]
    return None if form == "-" else f"{form}{tail}"


def _conjugate_nn(head: str, tail: str, replacement: str, category: str) -> str | None:
    """conjugate() for a Nynorsk replacement: None where the form is not certain."""
    parts = NN_VERBS.get(head)
    if parts is None:
        return None
    present, past, participle, passive = parts
    if category == "pass":
        if replacement in _NN_INTRANSITIVE or " seg" in f" {tail}":
            return None
        form = passive
    elif category == "ppart":
        # After «vart», «er»: the participle agrees with the subject in Nynorsk («brevet
        # vart skrive», «saka vart skriven», «sakene vart kjøpte»), and the rule does not
        # know the subject; only an a-verb's «-a» is the same for all («vart starta»).
        if replacement in _NN_INTRANSITIVE or passive == "-" or not participle.endswith("a"):
            return None
        form = participle
    else:
        form = {"pres": present, "past": past, "part": participle}[category]
    return None if form == "-" else f"{form}{tail}"

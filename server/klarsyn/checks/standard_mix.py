"""A Bokmål word in a Nynorsk text, and a Nynorsk word in a Bokmål text.

Norsk ordbank ships lemma lists only, and many words are lemmas of both standards
(«mellom», «etter», «legge»), while a word form of one standard may look like a lemma of
the other («disse» is a Nynorsk verb, «bare» a Nynorsk adjective form). A rule that flagged
every word missing from the document's list would be loud and wrong, so this check flags
only:

- the words of a curated table of high-frequency pairs (``_NB_TO_NN``, ``_NN_TO_NB``):
  function words, pronouns and a few verbs whose form differs between the standards
  (Språkrådet's rules: «ikkje», «eg», «kva», «korleis» are the only Nynorsk forms;
  Språkrådet, «Administrativ ordliste bokmål–nynorsk»; the apertium nob–nno pairs);
- regular derivations, each checked against both lists: -lig/-leg, -het/-heit, hv-/kv-,
  selv-/sjølv-, frem-/fram- (a word is flagged only when it is a lemma, or a lemma with a
  plain ending, of the other standard, is no lemma of the document's, and the derived form
  is a lemma of the document's standard);
- in Nynorsk, the Bokmål s-passive on -es after a modal or «å» («skal legges»), where
  Nynorsk writes -ast («skal leggast») or uses bli/verte.

Left alone: names (a capital inside a sentence), hyphenated compounds, text in quotation
marks, and paragraphs that are wholly in the other standard or in English (those are one
different finding, for the passage-language rule, not a finding per word).
A fix is offered only when the form is certain; otherwise the message names the forms.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from klarsyn.checks.base import Hit, sentence_tokens
from klarsyn.document.model import BlockKind
from klarsyn.metrics.analysis import BlockAnalysis
from klarsyn.text.language import detect_language
from klarsyn.text.lexicon import lemmas

# Bokmål form -> (the Nynorsk fix, or "" when no single form is certain; the forms to name).
# Every Bokmål form is no Nynorsk word form (a homograph in the Nynorsk list is named in
# _HOMOGRAPHS and is a different, rare word), and every named form is Nynorsk.
_NB_TO_NN: dict[str, tuple[str, str]] = {
    "ikke": ("ikkje", "ikkje"),
    "jeg": ("eg", "eg"),
    "hva": ("kva", "kva"),
    "hvordan": ("korleis", "korleis"),
    "hvorfor": ("kvifor", "kvifor"),
    "hvem": ("kven", "kven"),
    "hvilken": ("", "kva for ein|kven"),
    "hvilket": ("", "kva for eit|kva"),
    "hvilke": ("", "kva for nokre|kva"),
    "hvis": ("", "dersom|viss"),
    "hvor": ("", "kvar|kor"),
    "hver": ("kvar", "kvar"),
    "hvert": ("kvart", "kvart"),
    "noen": ("", "nokon|nokre"),
    "noe": ("noko", "noko"),
    "uten": ("utan", "utan"),
    "utenfor": ("utanfor", "utanfor"),
    "innenfor": ("innanfor", "innanfor"),
    "mye": ("mykje", "mykje"),
    "bare": ("berre", "berre"),
    "fra": ("frå", "frå"),
    "hun": ("ho", "ho"),
    "hennes": ("hennar", "hennar"),
    "være": ("", "vere|vera"),
    "selv": ("sjølv", "sjølv"),
    "sammen": ("saman", "saman"),
    "sammenheng": ("samanheng", "samanheng"),
    "hjem": ("heim", "heim"),
    "hjemme": ("heime", "heime"),
    "mer": ("meir", "meir"),
    "flere": ("fleire", "fleire"),
    "annen": ("annan", "annan"),
    "annet": ("anna", "anna"),
    "disse": ("desse", "desse"),
    "deres": ("", "deira|dykkar"),
    "dere": ("", "de|dykk"),
    "allerede": ("allereie", "allereie"),
    "dessuten": ("dessutan", "dessutan"),
    "fremdeles": ("framleis", "framleis"),
    "mens": ("medan", "medan"),
    "ble": ("", "blei|vart"),
    "fikk": ("fekk", "fekk"),
    "gikk": ("gjekk", "gjekk"),
    "kommer": ("", "kjem"),
    "gjøre": ("", "gjere|gjera"),
    "gjør": ("gjer", "gjer"),
    "sier": ("seier", "seier"),
    "vet": ("veit", "veit"),
    "mulig": ("mogleg", "mogleg"),
    "mulige": ("moglege", "moglege"),
    "mulighet": ("moglegheit", "moglegheit"),
    "muligheter": ("moglegheiter", "moglegheiter"),
    "mennesker": ("menneske", "menneske"),
    "menneskene": ("menneska", "menneska"),
    "kirke": ("kyrkje", "kyrkje"),
    "kirken": ("", "kyrkja"),
    "selvsagt": ("sjølvsagt", "sjølvsagt"),
    "gammel": ("gammal", "gammal"),
    "gammelt": ("gammalt", "gammalt"),
}

# Nynorsk form -> (the Bokmål fix or ""; the forms to name).
_NN_TO_NB: dict[str, tuple[str, str]] = {
    "ikkje": ("ikke", "ikke"),
    "eg": ("jeg", "jeg"),
    "kva": ("hva", "hva"),
    "korleis": ("hvordan", "hvordan"),
    "kvifor": ("hvorfor", "hvorfor"),
    "nokon": ("noen", "noen"),
    "nokre": ("noen", "noen"),
    "noko": ("noe", "noe"),
    "mykje": ("mye", "mye"),
    "berre": ("bare", "bare"),
    "frå": ("fra", "fra"),
    "hennar": ("hennes", "hennes"),
    "vere": ("være", "være"),
    "sjølv": ("selv", "selv"),
    "saman": ("sammen", "sammen"),
    "meir": ("mer", "mer"),
    "fleire": ("flere", "flere"),
    "annan": ("annen", "annen"),
    "sidan": ("siden", "siden"),
    "desse": ("disse", "disse"),
    "deira": ("deres", "deres"),
    "dykkar": ("deres", "deres"),
    "allereie": ("allerede", "allerede"),
    "utan": ("uten", "uten"),
    "utanfor": ("utenfor", "utenfor"),
    "innanfor": ("innenfor", "innenfor"),
    "medan": ("mens", "mens"),
    "fekk": ("fikk", "fikk"),
    "gjekk": ("gikk", "gikk"),
    "kjem": ("kommer", "kommer"),
    "gjere": ("gjøre", "gjøre"),
    "enno": ("ennå", "ennå"),
    "dessutan": ("dessuten", "dessuten"),
    "kyrkje": ("kirke", "kirke"),
    "mogleg": ("mulig", "mulig"),
    "moglege": ("mulige", "mulige"),
    "moglegheit": ("mulighet", "mulighet"),
    "moglegheiter": ("muligheter", "muligheter"),
    "difor": ("derfor", "derfor"),
    "korkje": ("verken", "verken"),
    "anten": ("enten", "enten"),
    "dei": ("", "de|dem"),
    "eit": ("et", "et"),
}

# Table words that the other standard's list holds as a different, rare lemma: «være»
# (nn noun), «bare» (nn, an adjective form), «disse» (nn verb, 'to swing'), «ble» (nn
# noun), «mens» (nn noun), «hun» (nn noun). In running text they are the other standard's
# function words, so the table wins over the list for these (and «gjekk», in the Bokmål
# list, is the Nynorsk past of «gå»).
_HOMOGRAPHS = frozenset("være bare disse ble mens hun gjekk".split())

# -lig/-leg and -het/-heit: (Bokmål ending, Nynorsk ending, base endings, fix certain).
_SUFFIXES: tuple[tuple[str, str, str, str, bool], ...] = (
    # (bokmål ending, nynorsk ending, bokmål lemma ending, nynorsk lemma ending, certain)
    ("lighetene", "legheitene", "lighet", "legheit", True),
    ("ligheter", "legheiter", "lighet", "legheit", True),
    ("ligheten", "legheita", "lighet", "legheit", False),
    ("lighet", "legheit", "lighet", "legheit", True),
    ("ligste", "legaste", "lig", "leg", True),
    ("ligere", "legare", "lig", "leg", True),
    ("ligvis", "legvis", "lig", "leg", True),
    ("ligst", "legast", "lig", "leg", True),
    ("lige", "lege", "lig", "leg", True),
    ("lig", "leg", "lig", "leg", True),
    ("hetene", "heitene", "het", "heit", True),
    ("heter", "heiter", "het", "heit", True),
    ("heten", "heita", "het", "heit", False),
    ("het", "heit", "het", "heit", True),
)
# hv-/kv-, selv-/sjølv-, frem-/fram- (Bokmål prefix, Nynorsk prefix).
_PREFIXES = (("hv", "kv"), ("selv", "sjølv"), ("frem", "fram"))
# Endings tried when a prefixed word is no lemma itself; the fix keeps the ending only
# where both standards inflect alike (adjectives, verbs' -e); nouns' endings differ.
_ENDINGS = ("", "e", "t", "er", "en", "et", "ene", "a", "ende", "te", "de")
_SAME_ENDINGS = frozenset(("", "e", "t"))

_ENDS = {"nb": tuple({e[0] for e in _SUFFIXES}), "nn": tuple({e[1] for e in _SUFFIXES})}
# fram- is Bokmål too («framtid»): only hv-/kv- and selv-/sjølv- are tried backwards.
_STARTS = {"nb": tuple(p[0] for p in _PREFIXES), "nn": tuple(p[1] for p in _PREFIXES if p[1] != "fram")}

_MODALS = frozenset("skal kan må bør vil skulle kunne måtte burde ville å".split())
_QUOTE = regex.compile(r"«[^»]*»|“[^”]*”|\"[^\"\n]*\"|„[^“”]*[“”]")


def _or(names: str, lang: str) -> str:
    quoted = [f"«{n}»" if lang != "en" else f"“{n}”" for n in names.split("|") if n]
    word = "or" if lang == "en" else "eller"
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {word} {quoted[-1]}"


def _case(new: str, old: str) -> str:
    if len(old) > 1 and old.isupper():
        return new.upper()
    return new[:1].upper() + new[1:] if old[:1].isupper() else new


@lru_cache(maxsize=4096)
def _derived(word: str, source: str, target: str) -> tuple[str, bool] | None:
    """The target standard's form of ``word`` by a regular derivation and whether it is a
    certain fix (when not, the form is only named: the lemma, or a form of uncertain
    gender); None when no derivation holds against both lists."""
    dst = lemmas(target)
    if word in dst:
        return None  # a word of the document's standard; the other list is not even loaded
    src = lemmas(source)
    forward = source == "nb"
    for nb_end, nn_end, nb_base, nn_base, certain in _SUFFIXES:
        end, new_end, base, new_base = (nb_end, nn_end, nb_base, nn_base) if forward else (nn_end, nb_end, nn_base, nb_base)
        if word.endswith(end) and len(word) - len(end) >= 3:
            stem = word[: -len(end)]
            if stem + base in src and stem + base not in dst and stem + new_base in dst and stem + new_base not in src:
                return stem + new_end, certain
            break
    for nb_pre, nn_pre in _PREFIXES:
        pre, new_pre = (nb_pre, nn_pre) if forward else (nn_pre, nb_pre)
        if not word.startswith(pre) or len(word) < len(pre) + 2:
            continue
        for end in _ENDINGS:
            base = word[: len(word) - len(end)] if end else word
            if not word.endswith(end) or len(base) < len(pre) + 2:
                continue
            other = new_pre + base[len(pre):]
            if base in src and base not in dst and other in dst:
                if end in _SAME_ENDINGS:
                    return new_pre + word[len(pre):], True
                # «fremtiden» is «framtida»: nouns' endings differ, so name the lemma.
                return other, False
    return None


def _s_passive(word: str, previous: str) -> str | None:
    """«skal legges» in Nynorsk: the -ast form, when the verb's stem is Nynorsk."""
    if previous not in _MODALS or not word.endswith("es") or len(word) < 5:
        return None
    nb, nn = lemmas("nb"), lemmas("nn")
    verb = word[:-1]  # legges -> legge
    if word in nb or word in nn or verb not in nb or verb not in nn or not verb.endswith("e"):
        return None  # a deponent («synes»), or no verb both standards know
    return verb[:-1] + "ast"


def _quoted(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTE.finditer(text)] if any(q in text for q in "«“\"„") else []


def _mix(ba: BlockAnalysis, source: str, target: str) -> list[Hit]:
    """Words of ``source`` standard in a text of ``target`` standard."""
    table = _NB_TO_NN if source == "nb" else _NN_TO_NB
    own = lemmas(target)
    text = ba.block.text
    ends = _ENDS[source] + (("es",) if target == "nn" else ())
    starts = _STARTS[source]
    quotes = _quoted(text)
    hits: list[Hit] = []
    # A list item that names a speaker («- Eg gler meg …, seier Tone») is a news quote set
    # with a dash at the start of the line, which Markdown reads as a bullet.
    speech = ba.block.kind == BlockKind.LIST_ITEM and _SPEAKER.search(text) is not None
    for sentence in sentence_tokens(ba):
        # Most sentences hold no word the check could flag: pass them over in one sweep of
        # C-level tests (a direct-speech dash keeps its meaning across sentences, though).
        if not speech and not any(t[3] in table or t[3].endswith(ends) or t[3].startswith(starts) or t[2] in _DASHES for t in sentence):
            continue
        found: list[Hit] = []
        tabled = 0  # table words found: function words of the other standard
        previous = ""
        first = True
        capital_at = -10
        for i, (start, end, word, low) in enumerate(sentence):
            # Direct speech in news starts with a dash («– Eg gler meg som bare det») and
            # runs to the word that names the speaker («…, seier Tone»): a quote, like «…».
            if word in _DASHES and i + 1 < len(sentence) and sentence[i + 1][2][:1].isupper():
                speech = True
            if speech:
                speech = low not in _SAYS
                continue
            if not word[0].isalpha():
                first = first or word in ":–-•"
                previous = "" if word not in ",;" else previous
                continue
            name = word[0].isupper() and not first
            first = False
            prev, previous = previous, low
            if name:
                capital_at = i
            # Names, acronyms («DEI»), compounds, quotes, and the words right after a name or
            # title («boka En kvinne på flukt fra budskapet»), which may be part of it.
            if name or word.isupper() or "-" in word or i - capital_at <= 4 or (quotes and any(s <= start < e for s, e in quotes)):
                continue
            entry = table.get(low)
            if entry is not None and (low not in own or low in _HOMOGRAPHS):
                fix, names = entry
                found.append(_hit(start, end, word, fix, names))
                tabled += 1
                continue
            if target == "nn" and prev in _MODALS and low.endswith("es"):
                passive = _s_passive(low, prev)
                if passive is not None:
                    found.append(_hit(start, end, word, "", passive))
                    continue
            # Most words have no derivable shape: test the endings in C before the lists.
            derived = _derived(low, source, target) if low.endswith(_ENDS[source]) or low.startswith(_STARTS[source]) else None
            if derived is not None:
                form, certain = derived
                found.append(_hit(start, end, word, form if certain else "", form))
        # Several words of the other standard alone in one sentence: a clause written (or
        # quoted) in that standard, such as a law cited in Nynorsk in a Bokmål programme.
        # A function word of the table is the sign; «eit vanlig problem og vanlige folk» is
        # one slip made twice.
        # A sentence that also has a function word of the document's standard («ikkje»,
        # «ein», «dei») is that standard with slips in it.
        if (len(found) >= 3 or (len(found) >= 2 and tabled >= 1)) and not _own_evidence(sentence, source, target):
            continue
        hits += found
    # A paragraph with several such words that reads as the other standard (or English)
    # is a passage in that language, not a slip: the passage-language rule's business.
    if len(hits) >= 2:
        found_in = detect_language(text)
        if found_in == "en" or (found_in != target and not _own_evidence(sentence_tokens_all(ba), source, target)):
            return []
    return hits


def sentence_tokens_all(ba: BlockAnalysis) -> list[tuple[int, int, str, str]]:
    return [t for sentence in sentence_tokens(ba) for t in sentence]


# Function words of each standard alone (articles, pronouns, adverbs): one of them in a
# sentence says the sentence is written in that standard.
_OWN_MARKERS = {
    "nn": frozenset("ein eit dei ho ikkje eg kva korleis kvifor kven noko nokon nokre frå berre meir fleire òg "
                    "vere vera medan sjølv saman mykje heile eigen eige eigne desse deira dykk dykkar".split()),
    "nb": frozenset("en et de hun ikke jeg hva hvordan hvorfor hvem noe noen fra bare mer flere også "
                    "være mens selv sammen mye hele egen eget egne disse deres dere".split()),
}


def _own_evidence(tokens: list[tuple[int, int, str, str]], source: str, target: str) -> bool:
    """Does one of these tokens say the text is in the document's standard? Function words
    only: the lemma lists are no evidence («skal» is a lemma of the Nynorsk list alone)."""
    markers = _OWN_MARKERS[target]
    return any(t[3] in markers for t in tokens)


_DASHES = frozenset("-–—")
_SPEAKER = regex.compile(r",\s+(?:seier|sa|sier|fortel|forteller|skriv|skriver|hugsar|husker|meiner|mener|svarar|svarer)\s+\p{Lu}")
_SAYS = frozenset("seier sa sier fortel forteller skriv skriver hugsar husker meiner mener legg legger svarer svarar".split())


def _hit(start: int, end: int, word: str, fix: str, names: str) -> Hit:
    # The forms are quoted in each message language (the text's standard is not the reader's).
    values = {"match": word, "forms": {m: _or(names, m) for m in ("nb", "nn", "en")}}
    return Hit(start, end, values, _case(fix, word) if fix else None)


def bokmal_in_nynorsk(ba: BlockAnalysis, lang: str, options: dict[str, float]) -> list[Hit]:
    return _mix(ba, "nb", "nn")


def nynorsk_in_bokmal(ba: BlockAnalysis, lang: str, options: dict[str, float]) -> list[Hit]:
    return _mix(ba, "nn", "nb")


def table(source: str) -> dict[str, tuple[str, str]]:
    """The curated pairs (for tests and docs)."""
    return dict(_NB_TO_NN if source == "nb" else _NN_TO_NB)


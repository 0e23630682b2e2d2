"""Plain-language analyses for Bokmål and Nynorsk: passive voice, noun style, empty
frames, repeated prepositions, lengre/lenger, hyphens. Each takes one analysed block
and returns hits in block-text offsets; rules in the packs give them their words."""

from __future__ import annotations

from bisect import bisect_left

import regex

from klarsyn.checks.base import Hit, Token, sentence_tokens
from klarsyn.checks.passive import find_passives
from klarsyn.metrics.analysis import BlockAnalysis
from klarsyn.text.lexicon import lemmas

_NORWEGIAN = ("nb", "nn")


_sentence_tokens = sentence_tokens


# -- passive ---------------------------------------------------------------------------


# What the passive message says: it hides who acts, or (with an «av» agent) names the one
# who acts only after the verb.
_PASSIVE_EFFECT = {
    "nb": ("og skjuler hvem som handler. Si hvem som gjør det, for eksempel «Kommunen skal …» eller «Vi vil …»",
           "og nevner den som handler («{agent}») først etter verbet. Sett den som handler først, som subjekt"),
    "nn": ("og løyner kven som handlar. Sei kven som gjer det, til dømes «Kommunen skal …» eller «Vi vil …»",
           "og nemner den som handlar («{agent}») først etter verbet. Set den som handlar først, som subjekt"),
    "en": ("and hides who acts. Say who does it",
           "and names who acts (“{agent}”) only after the verb. Put the actor first, as the subject"),
}


def passive_voice(ba: BlockAnalysis, lang: str, options: dict[str, float]) -> list[Hit]:
    hits = []
    for p in find_passives(ba.block.text, lang, _sentence_tokens(ba)):
        # Worded in every language: ``lang`` is the text's, the message may be in another.
        effect = {m: e[1].format(agent=p.agent) if p.agent else e[0] for m, e in _PASSIVE_EFFECT.items()}
        hits.append(Hit(p.start, p.end, {"match": p.word, "effect": effect, "agent": p.agent}))
    return hits


def passive_paragraph(ba: BlockAnalysis, lang: str, options: dict[str, float]) -> list[Hit]:
    """A paragraph that leans on the passive: at least ``min_count`` passive verbs, in at
    least ``min_share`` of its sentences. One passive is often the right choice in a
    programme (the actor is plain: the state, the municipality); judged one by one on the six
    programmes, 6 of 79 single passives were worth the author's time. A paragraph where
    half the sentences hide who acts is the case the guides warn about. The finding sits on
    the first passive verb and names the others."""
    min_count = int(options.get("min_count", 3))
    min_share = float(options.get("min_share", 0.5))
    sentences = _sentence_tokens(ba)
    if len(sentences) * 2 < min_count:  # too short to hold enough (cheap test first)
        return []
    # A passive that names its actor («finansieres av det offentlige», and more loosely than
    # the agent of passiv's message: «rammes negativt av utbyggingen», «av både …») hides
    # no one, and «som beskrives nedenfor» points at text, not at someone who acts.
    text = ba.block.text
    passives = [p for p in find_passives(text, lang, sentences)
                if not p.agent and not _ACTOR_AFTER.match(text, p.end)
                and not (p.word.lower() in _POINTING and _POINTED.match(text, p.end))]
    if len(passives) < min_count:
        return []
    ends = [toks[-1][1] for toks in sentences if toks]
    with_passive = len({bisect_left(ends, p.end) for p in passives})
    if with_passive < min_share * len(ends):
        return []
    first = passives[0]
    shown = [p.word for p in passives[:6]]
    verbs = {m: _quote_list(shown, m, len(passives) > len(shown)) for m in ("nb", "nn", "en")}
    return [Hit(first.start, first.end, {"match": first.word, "count": len(passives), "with_passive": with_passive,
                                         "sentences": len(ends), "verbs": verbs})]


_ACTOR_AFTER = regex.compile(r"(?:[ \t\n]+\p{L}+){0,2}?[ \t\n]+av[ \t\n]+\p{L}")
_POINTING = frozenset("beskrives omtales nevnes drøftes forklares utdypes beskrivast omtalast nemnast drøftast".split())
_POINTED = regex.compile(r"[ \t\n]+(?:under|nedenfor|ovenfor|over|senere|seinare|nedanfor|i\s+kapittel|i\s+punkt)\b")


def _quote_list(words: list[str], lang: str, more: bool) -> str:
    quoted = [f"“{w}”" if lang == "en" else f"«{w}»" for w in words]
    return ", ".join(quoted) + (" …" if more else "")


# -- noun style -------------------------------------------------------------------------

_WEAK_VERBS = {
    # infinitive: (present, other forms that get no fix)
    "foreta": ("foretar", "foretok foretatt foretas"),
    "gjennomføre": ("gjennomfører", "gjennomførte gjennomført gjennomføres"),
    "utføre": ("utfører", "utførte utført utføres"),
    "iverksette": ("iverksetter", "iverksatte iverksatt iverksettes"),
    "forestå": ("forestår", "forestod forestått"),
    "foreta seg": ("", ""),
    "verkstelliggjøre": ("verkstelliggjør", "verkstelliggjorde verkstelliggjort"),
    "effektuere": ("effektuerer", "effektuerte effektuert"),
    "besørge": ("besørger", "besørget besørgde"),
    # Nynorsk
    "gjennomføra": ("gjennomfører", "gjennomførte gjennomført"),
    "utføra": ("utfører", "utførte utført"),
    "setje i verk": ("", ""),
}
_WEAK_FORMS: dict[str, tuple[str, str]] = {}
for _inf, (_pres, _others) in _WEAK_VERBS.items():
    if " " in _inf:
        continue
    _WEAK_FORMS[_inf] = (_inf, "inf")
    if _pres:
        _WEAK_FORMS[_pres] = (_inf, "pres")
    for _form in _others.split():
        _WEAK_FORMS[_form] = (_inf, "other")

_DETERMINERS = frozenset("en et ei ein eit den det de dei denne dette disse desse ny nytt nye grundig grundige full fullstendig".split())
_NOMINAL_ENDINGS = ("ing", "else", "sjon", "het", "heit", "ering", "nad")


def verb_for_noun(noun: str, lex: frozenset[str]) -> str | None:
    """The verb a verbal noun comes from, when the lexicon knows it: vurdering → vurdere,
    kontroll → kontrollere, evaluering → evaluere, produksjon → produsere."""
    n = noun.lower()
    candidates: list[str] = []
    if n.endswith("ing"):
        candidates += [n[:-3] + "e", n[:-3] + "a"]
    if n.endswith("else"):
        candidates += [n[:-4] + "e"]
    if n.endswith("asjon"):
        candidates += [n[:-5] + "ere"]
    if n.endswith("ksjon"):
        candidates += [n[:-5] + "sere"]
    if n.endswith("sjon"):
        candidates += [n[:-4] + "ere"]
    if not n.endswith("er"):
        # A plural in -er plus -e is no derivation («programmer» + e is «programmere», a
        # verb of its own, not what «iverksette programmer» hides).
        candidates += [n + "ere", n + "e"]
    for verb in candidates:
        if verb in lex and verb != n and len(verb) > 3:
            return verb
    return None


def _is_verbal_noun(word: str, lex: frozenset[str]) -> bool:
    w = word.lower()
    return len(w) >= 6 and (w.endswith(_NOMINAL_ENDINGS) or verb_for_noun(w, lex) is not None) and not w.endswith("het")


def weak_verb_noun(ba: BlockAnalysis, lang: str, options: dict[str, float]) -> list[Hit]:
    """``foreta en vurdering av`` → ``vurdere``: a weak verb carrying a verbal noun."""
    if lang not in _NORWEGIAN:
        return []
    lex = lemmas(lang)
    text = ba.block.text
    hits = []
    for toks in _sentence_tokens(ba):
        for i, (s, _e, _word, low) in enumerate(toks):
            weak = _WEAK_FORMS.get(low)
            if weak is None:
                continue
            j = i + 1
            while j < len(toks) and j <= i + 3 and toks[j][3] in _DETERMINERS:
                j += 1
            if j >= len(toks) or not toks[j][2][0].isalpha():
                continue
            noun = toks[j][3]
            if noun.endswith("-") or not _is_verbal_noun(noun, lex):
                continue
            end = toks[j][1]
            verb = verb_for_noun(noun, lex)
            # "foreta en vurdering av saken" → "vurdere saken": the "av" goes with the noun.
            if j + 1 < len(toks) and toks[j + 1][3] == "av" and verb:
                end = toks[j + 1][1]
            replacement = None
            # A verb made by adding -e to the noun (oppstart → «oppstarte») is often no
            # verb anyone writes: the fix is offered only for the regular derivations.
            certain = bool(verb) and (noun.endswith(("ing", "else", "sjon")) or verb == noun + "ere")
            if verb and certain and weak[1] in ("inf", "pres"):
                replacement = verb + ("r" if weak[1] == "pres" else "")
                if text[s].isupper():
                    replacement = replacement[0].upper() + replacement[1:]
            hits.append(
                Hit(s, end, {"match": text[s:end], "verb": verb or "", "noun": toks[j][2],
                             "suggestion": f" «{verb}»" if verb else ""}, replacement)
            )
    return hits


_HAPPENS = frozenset("skje skjer skjedde skjedd".split())
_TAKES_PLACE = frozenset("finne finner fant funnet finn fann".split())


def _indefinite(word: str) -> str:
    """``utbetalingen`` → ``utbetaling``: the indefinite form of a verbal noun."""
    for ending in ("ene", "en", "a", "et"):
        if word.endswith(ending) and word[: -len(ending)].endswith(_NOMINAL_ENDINGS):
            return word[: -len(ending)]
    return word


def noun_happens(ba: BlockAnalysis, lang: str, options: dict[str, float]) -> list[Hit]:
    """``Innkalling av medlemmene skal skje`` / ``… finner sted``: the action hides in a noun."""
    lowered = ba.block.text.lower()
    if lang not in _NORWEGIAN or ("skj" not in lowered and " sted" not in lowered and " stad" not in lowered):
        return []
    lex = lemmas(lang)
    text = ba.block.text
    hits = []
    for toks in _sentence_tokens(ba):
        for i, (s, _e, word, low) in enumerate(toks):
            low = _indefinite(low)
            if not word[0].isalpha() or not low.endswith(_NOMINAL_ENDINGS) or len(low) < 6 or verb_for_noun(low, lex) is None:
                continue
            for j in range(i + 1, min(len(toks), i + 8)):
                tj = toks[j][3]
                if not toks[j][2][0].isalnum():
                    break
                place = "stad" if lang == "nn" else "sted"
                takes_place = tj in _TAKES_PLACE and j + 1 < len(toks) and toks[j + 1][3] == place
                if tj in _HAPPENS or takes_place:
                    end = toks[j + 1][1] if takes_place else toks[j][1]
                    verb = verb_for_noun(low, lex) or ""
                    hits.append(Hit(s, end, {"match": text[s:end], "noun": word, "verb": verb}))
                    break
    return hits


def noun_density(ba: BlockAnalysis, lang: str, options: dict[str, float]) -> list[Hit]:
    """A sentence where many words are nouns made from verbs and adjectives (-ing, -else,
    -het, -sjon): the classic symptom of noun style. Not in headings: a heading is a noun
    phrase by design («Organisering, bemanning og retten til behandling»)."""
    if lang not in _NORWEGIAN or ba.block.is_heading:
        return []
    min_count = int(options.get("min_count", 3))
    min_share = float(options.get("min_share", 0.2))
    text = ba.block.text
    hits = []
    for sentence in ba.sentences:
        spans = sentence.words
        words = [text[w.start : w.end].lower() for w in spans]
        # Nominals side by side on a list («legalisering, regulering og informering»,
        # «utdanning, forskning og innovasjon») name things: such a list counts once, as
        # its nouns are its point. Not when the list takes an object («sikring og
        # gjenoppretting av vannforsyning»): those are actions a verb would say better.
        groups: list[list[int]] = []
        for i, w in enumerate(words):
            if len(w) < 7 or not w.endswith(_NOMINAL_ENDINGS):
                continue
            last = groups[-1][-1] if groups else -10
            listed = i - last <= 4 and any(
                words[k] in _LIST_JOINS or "," in text[spans[k].end : spans[k + 1].start] for k in range(max(last, i - 3), i))
            if listed:
                groups[-1].append(i)
            else:
                groups.append([i])
        nominal = []
        for group in groups:
            takes_object = group[-1] + 1 < len(words) and words[group[-1] + 1] == "av"
            nominal.extend(words[i] for i in (group if takes_object or len(group) == 1 else group[:1]))
        if len(nominal) >= min_count and words and len(nominal) / len(words) >= min_share:
            hits.append(Hit(sentence.start, sentence.end, {"count": len(nominal), "words": len(words),
                                                           "examples": ", ".join(f"«{w}»" for w in nominal[:3])}))
    return hits


_LIST_JOINS = frozenset("og eller samt".split())


# -- sentence and paragraph shape ----------------------------------------------------

_COPULA = frozenset("er var blir ble vert vart".split())


_INDEFINITE = frozenset("en et ei ein eit".split())
_FRAME_ADVERBS = frozenset("også òg altså særlig særleg først nettopp bare berre kun nok jo heller".split())
# Between «Det er» and «som», these make «som» something else than the cleft's: «å»/«at»
# (Det er viktig å se X som …), a comparison (så mange som, like mye som), or a
# preposition whose object «som» describes (Det er nødvendig med en politikk som …).
_NOT_A_FRAME = frozenset("å at så like samme enn med overfor".split())


def det_er_som(ba: BlockAnalysis, lang: str, options: dict[str, float]) -> list[Hit]:
    """``Det er mange som mener …`` → ``Mange mener …``: an empty frame before the point.

    Not flagged: «Det er et program som viser …» (an indefinite noun phrase described by
    the relative clause: «det» points back, no frame), and «som» after «å», a comparison
    or a preposition (see _NOT_A_FRAME)."""
    if lang not in _NORWEGIAN or "som" not in ba.block.text:
        return []
    text = ba.block.text
    hits = []
    for toks in _sentence_tokens(ba):
        if len(toks) < 5 or toks[0][3] != "det" or toks[1][3] not in _COPULA:
            continue
        k = 2
        while k < len(toks) and toks[k][3] in _FRAME_ADVERBS:
            k += 1
        if k < len(toks) and toks[k][3] in _INDEFINITE:
            continue
        for j in range(3, min(len(toks), 9)):
            if not toks[j - 1][2][0].isalnum():
                break
            low = toks[j - 1][3]
            if j - 1 >= 2 and (low in _NOT_A_FRAME or low in _PREPOSITIONS):
                break
            if toks[j][3] == "som":
                hits.append(Hit(toks[0][0], toks[j][1], {"match": text[toks[0][0] : toks[j][1]],
                                                         "core": text[toks[2][0] : toks[j - 1][1]]}))
                break
    return hits


def paragraph_of_long_sentences(ba: BlockAnalysis, lang: str, options: dict[str, float]) -> list[Hit]:
    """A paragraph where several sentences are long: the reader gets no rest."""
    limit = int(options.get("max_words", 20))
    min_count = int(options.get("min_count", 3))
    long_ones = [s for s in ba.sentences if len(s.words) > limit]
    if len(long_ones) < min_count:
        return []
    return [Hit(0, len(ba.block.text), {"count": len(long_ones), "sentences": len(ba.sentences), "limit": limit})]


# -- repetition ----------------------------------------------------------------------

_PREPOSITIONS = frozenset(
    """i på til av for med fra frå om under over gjennom etter ved mot hos uten utan mellom
    blant innen rundt langs ifølge""".split()
)


# Words that cannot be the object of a preposition: with one of them between two copies
# of a preposition, the first copy has no object ("gjennom direkte gjennom"). A noun
# between them is normal ("i Norge i 2009", "på tv på lørdag").
_ADVERBS = frozenset(
    """direkte indirekte bare kun også ikke ikkje særlig særleg spesielt primært hovedsakelig
    hovudsakleg blant annet først fremst aktivt tydelig tydeleg mer meir mest sterkt tett
    enten både heller altså dermed derfor difor likevel snarere helst gjerne først og
    eksempelvis typisk dels delvis nettopp især""".split()
)


def repeated_preposition(ba: BlockAnalysis, lang: str, options: dict[str, float]) -> list[Hit]:
    """``bidra gjennom direkte gjennom``: the same preposition twice around a word that
    cannot be its object, usually a leftover from rewriting."""
    if lang not in _NORWEGIAN:
        return []
    text = ba.block.text
    hits = []
    for toks in _sentence_tokens(ba):
        for i in range(len(toks) - 2):
            first, middle, second = toks[i], toks[i + 1], toks[i + 2]
            if first[3] in _PREPOSITIONS and second[3] == first[3] and (middle[3] in _ADVERBS or middle[3].endswith(("vis", "ligvis"))):
                hits.append(Hit(first[0], second[1], {"match": text[first[0] : second[1]], "word": second[2]}))
    return hits


# -- lengre / lenger ------------------------------------------------------------------

_ADVERB_CONTEXT = frozenset("hjemme borte unna ute inne igjen tilbake opp ned fram frem bort heime".split())
_NOT = frozenset("ikke ikkje".split())
_DETERMINERS_SHORT = frozenset("en et ei ein eit den det de dei denne dette disse desse noen nokre noko mye".split())
_COPULA_ALL = frozenset("er var være vere blir ble bli blitt vert vart verte".split())


def lengre_lenger(ba: BlockAnalysis, lang: str, options: dict[str, float]) -> list[Hit]:
    """``lengre`` is the comparative of the adjective *lang* (``en lengre pause``);
    ``lenger`` of the adverbs *langt*/*lenge* (``bo lenger hjemme``, ``ikke lenger``)."""
    if lang not in _NORWEGIAN or "leng" not in ba.block.text.lower():
        return []
    lex = lemmas(lang)
    hits = []
    for toks in _sentence_tokens(ba):
        for i, (s, e, word, low) in enumerate(toks):
            prev = toks[i - 1][3] if i > 0 else ""
            nxt = toks[i + 1][3] if i + 1 < len(toks) else ""
            if low == "lengre":
                adverb = (
                    prev in _NOT
                    or nxt in _ADVERB_CONTEXT
                    or (prev not in _COPULA_ALL and _is_verb_form(prev, lex) and not _content_word(nxt, toks, i + 1))
                )
                if adverb:
                    hits.append(Hit(s, e, {"match": word, "right": "lenger"}, _same_case("lenger", word)))
            elif low == "lenger" and prev in _DETERMINERS_SHORT and _content_word(nxt, toks, i + 1) and nxt not in _ADVERB_CONTEXT:
                hits.append(Hit(s, e, {"match": word, "right": "lengre"}, _same_case("lengre", word)))
    return hits


_FUNCTION = frozenset(
    """og eller men som at om for fordi når hvis dersom enn så i på til av med fra frå
    under over gjennom etter ved mot hos uten utan ikke ikkje også òg nå no da då her der
    det den de dei seg""".split()
)


def _content_word(word: str, toks: list[Token], index: int) -> bool:
    return bool(word) and word[0].isalpha() and word not in _FUNCTION and index < len(toks)


def _is_verb_form(word: str, lex: frozenset[str]) -> bool:
    """An infinitive, a present or a past form of a verb the lexicon knows."""
    if len(word) < 2 or not word.isalpha():
        return False
    if word in lex and word[-1] in "aeiouyæøå":
        return True  # bo, leve, vente
    return (word.endswith("r") and word[:-1] in lex and word[-2] in "aeiouyæøå") or (
        word.endswith(("te", "de")) and (word[:-2] + "e" in lex)
    )


def _same_case(new: str, old: str) -> str:
    return new.upper() if old.isupper() and len(old) > 1 else (new[0].upper() + new[1:] if old[:1].isupper() else new)


# -- hyphens ---------------------------------------------------------------------------

_CUT_COMMA = regex.compile(r"(\p{L}+-)(,)(\s+(?:og|eller))\b")


_PAIR_BEFORE = regex.compile(r"\p{L}+-\s+(?:og|eller)\s+$")


def hyphen_comma(ba: BlockAnalysis, lang: str, options: dict[str, float]) -> list[Hit]:
    """``lære-, og praksisplasser``: no comma between a cut compound and ``og``. The
    finding and its fix cover the comma alone.

    Not when the cut compound closes a pair of its own («Helse- og omsorgs-, og
    Landbruks- og matdepartementet»): there the comma separates the items of a list."""
    text = ba.block.text
    return [
        Hit(m.start(2), m.end(2), {"match": m.group(), "fixed": m.group(1) + m.group(3)}, "")
        for m in _CUT_COMMA.finditer(text)
        if not _PAIR_BEFORE.search(text[max(0, m.start() - 60) : m.start()])
    ]


_DEFINITE = ("ene", "en", "et", "a", "er", "ar")


def _base(word: str, lex: frozenset[str]) -> str | None:
    if word in lex:
        return word
    for ending in _DEFINITE:
        if word.endswith(ending) and word[: -len(ending)] in lex:
            return word[: -len(ending)]
    return None


def _bound_first_part(word: str, lex: frozenset[str]) -> bool:
    """A compound's first part that is no word on its own: a word plus a linking -s or
    -e (``lønns``, ``barne``, ``omsorgs``). A word that stands alone (``skole``, ``helse``,
    ``miljø``) is left: «skole og barnehage» are two nouns, and only the meaning tells
    «helse og omsorgstjenester» apart from them."""
    if word in lex or not word.endswith(("s", "e")) or len(word) < 4:
        return False
    stem = word[:-1]
    if stem not in lex:
        return False
    from klarsyn.checks.variants import _free_phrase

    if _free_phrase(word) or _free_phrase(stem):
        return False  # an adjective's -e form: «store og småbedrifter»
    if word.endswith("s"):
        # a genitive before «og» needs its noun after it; a vowel before -s reads as a plural or genitive
        return not stem.endswith(("a", "i", "o", "u", "y", "æ", "ø", "å", "en", "et"))
    return True


def missing_hyphen(ba: BlockAnalysis, lang: str, options: dict[str, float]) -> list[Hit]:
    """``barne og ungdomstrinnet`` → ``barne- og ungdomstrinnet``: the first part of a
    shared compound needs a hyphen. Found when the first word plus the last part of the
    second word is itself a known compound (``barnetrinn``)."""
    if lang not in _NORWEGIAN:
        return []
    lex = lemmas(lang)
    hits = []
    for toks in _sentence_tokens(ba):
        for i in range(len(toks) - 2):
            first, conj, second = toks[i], toks[i + 1], toks[i + 2]
            if conj[3] not in ("og", "eller") or not first[2].isalpha() or not second[2].isalpha() or not first[2].islower():
                continue
            w1, w2 = first[3], second[3]
            base2 = _base(w2, lex)
            if len(w1) < 3 or len(w2) < 8 or base2 is None or not _bound_first_part(w1, lex):
                continue
            for cut in range(3, len(base2) - 2):
                head, tail = base2[:cut], base2[cut:]
                if len(tail) < 4 or tail not in lex:
                    continue
                if not (head in lex or head[:-1] in lex):
                    continue
                if w1 + tail in lex or (w1.endswith("e") and w1[:-1] + tail in lex):
                    hits.append(Hit(first[0], first[1], {"match": first[2], "compound": w1 + tail, "fixed": first[2] + "-"}, first[2] + "-"))
                    break
    return hits

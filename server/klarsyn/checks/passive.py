"""Passive voice in Bokmål and Nynorsk, without a tagger.

Two constructions:

- **s-passive**: a verb with the passive ending ``-s``/``-es`` (Nynorsk ``-ast``):
  ``skal innføres``, ``kan løses``, ``veksten tas med``, ``skal gjerast``.
- **bli/verte passive**: a form of *bli*/*verte* followed by a past participle:
  ``blir gjennomført``, ``ble vedtatt``, ``vart vedteken``, ``har vorte gjort``.

Norsk ordbank lists deponent verbs (``finnes``, ``synes``, ``lykkes``, ``trives``,
``møtes``) as lemmas of their own, so a word that is itself a lemma is never an
s-passive; a candidate must be a verb lemma plus the ending. A genitive (``kommunes
ansvar``) has the same shape as a present s-passive, so a present s-passive must be
followed by a word that cannot start a noun phrase's head (a preposition, an adverb,
a particle, punctuation) or be preceded by a word that introduces a clause (``som``,
``der``). After a modal (``skal``, ``kan``, ``må``) or ``å`` the infinitive passive
needs no such context. The finding covers the passive verb only.

Nynorsk: ordbank lists many -ast verbs as lemmas, passives (gjerast, takast, skrivast) and
deponents (finnast, lukkast, møtast) alike, so an -ast lemma is a deponent only when Bokmål
ordbank has the same verb in -es (finnes, trives, møtes) or it is one of the few deponents
with another Bokmål stem (lukkast/lykkes, høyrast/høres). The -ast ending marks the passive
by itself, so its modal or «å» may stand further back in the clause («må i all hovudsak
seiast», «må Noreg overlatast»). Participles are looked up by Nynorsk morphology: strong
-en/-ne forms with prefixes (innskriven), double consonants (bygd: byggje). After a degree
adverb (svært, litt) a participle is an adjective; «er bygd» (a state) is not looked at.
"""

from __future__ import annotations

from dataclasses import dataclass


from klarsyn.checks.base import Token, tokens
from klarsyn.text.lexicon import lemmas

MODALS = {
    "nb": frozenset("skal kan må bør vil skulle kunne måtte burde ville får fikk".split()),
    "nn": frozenset("skal kan må bør vil skulle kunne måtte burde ville får fekk".split()),
}
BLI = {
    "nb": frozenset("bli blir ble blei blitt".split()),
    "nn": frozenset("bli blir blei blitt vert vart verte verta vorte vorten vortne".split()),
}
# Words that may stand between an auxiliary and its verb without changing the construction.
_BETWEEN = frozenset(
    """ikke ikkje også òg bare berre alltid aldri ofte heller derfor difor da då nå no snart
    likevel gjerne dessuten fortsatt framleis allerede alt enda ennå endå helst kanskje nok vel
    jo visst neppe trolig truleg sannsynligvis antakelig altså ytterligere raskt straks fort
    formelt lett enkelt lettere best mest mer meir først lenger lenge normalt vanligvis
    vanlegvis dermed således slik sjølv selv litt noe noko hverken verken heller så svært
    særlig særleg delvis helt heilt stadig igjen hardest""".split()
)
# Subjects that stand between the auxiliary and the verb in a question or after a fronted
# adverbial ("Nå skal det bygges", "Da ble de valgt").
_SUBJECTS = frozenset("det den de han hun vi du dere jeg eg man ein en alle dette disse desse dei ho me".split())
# Words after which a clause starts, so a following -s form is a finite verb, not a genitive.
_CLAUSE_OPENERS = frozenset("som der hvor kor når hvis dersom fordi at da då mens medan om".split())
# What may follow a present s-passive but never a genitive: prepositions, adverbs,
# particles, conjunctions, determiners and pronouns.
_AFTER_FINITE = frozenset(
    """av i på til med for fra frå om over under gjennom etter ved mot hos uten utan innen
    blant mellom rundt langs ifølge inn ut opp ned fram frem bort vekk hjem heim sammen
    igjen tilbake unna videre vidare først sist også òg ikke ikkje bare berre alltid aldri
    ofte heller derfor difor da då nå no snart likevel gjerne dessuten fortsatt framleis
    allerede alt enda ennå helst kanskje nok jo mest best mer meir mindre bedre betre
    lokalt regionalt nasjonalt sentralt og eller men samt slik så som at når hvis dersom
    fordi hvor der her dit hit den det de dei denne dette disse desse en ein et eit ei
    han hun ho vi me du dere jeg eg man seg sin sitt sine alle hver kvar ingen noen nokon
    mye mykje hvorvidt hvordan korleis hva kva hvem kven hvilke kva""".split()
)
# Past participles of strong and irregular verbs, which no ending rule produces.
IRREGULAR_PARTICIPLES = {
    "nb": frozenset(
        """gitt tatt sett fått gått stått slått sagt lagt lagd valgt solgt fortalt talt kalt
        telt spurt gjort vedtatt antatt foretatt overtatt innført brakt bragt funnet
        skrevet beskrevet foreskrevet brutt bundet drevet dratt fløyet født glemt gravd
        grepet holdt hugget kastet kommet latt lest løpet nevnt rammet revet ridd satt sittet
        skutt skåret slitt sluppet sprukket stjålet strukket sunget sveket tvunget vunnet
        båret truffet grepet nedlagt pålagt fastsatt utsatt oppnevnt opprettet besluttet omgjort utgitt
        avgjort avslått oppdaget forlatt forutsatt fremlagt framlagt godtatt iverksatt
        pålagt tillatt fordelt oversatt erstattet""".split()
    ),
    "nn": frozenset(
        """gjeven gjevne gitt teken tekne teke tatt sett sette fått gått stått slått sagt lagt
        lagd lagde vald valt valde seld selde fortalt kalla spurt gjort gjorde vedteken
        vedtekne vedteke vedtatt funnen funne funne skriven skrivne skrive broten brotne
        bunden bundne driven drivne fødd fødde gløymd halden haldne komen komne late lese
        nemnd nemnde riven rivne skoten skotne sleppt sprokken stolen stolne tvinga vunnen
        vunne boren borne drepen drepne bunden nedlagd pålagd pålagde fastsett utsett
        oppnemnd oppretta avgjort avslått forlaten godteken iverksett tillaten fordelt omsett
        erstatta innført""".split()
    ),
}
# The verbs of strong participles, for prefixed forms (ødelagt: øde + legge).
_PARTICIPLE_VERB = {
    "lagt": "legge", "satt": "sette", "tatt": "ta", "gitt": "gi", "sett": "se", "gjort": "gjøre",
    "brakt": "bringe", "funnet": "finne", "skrevet": "skrive", "brutt": "bryte", "holdt": "holde",
    "grepet": "gripe", "truffet": "treffe", "latt": "la", "kalt": "kalle", "valgt": "velge",
    "solgt": "selge", "fortalt": "fortelle", "sagt": "si", "spurt": "spørre", "stått": "stå",
    "slått": "slå", "gått": "gå", "fått": "få", "drevet": "drive", "bundet": "binde",
    "kommet": "komme", "båret": "bære", "lagd": "legge", "valt": "velje", "teke": "ta",
    "teken": "ta", "gjeve": "gje", "gjeven": "gje",
}
# Nynorsk strong participles (-en, plural -ne) and the verbs they belong to, for prefixed
# forms: innskriven (innskrive), avdrepen, oppteken, fråteken. A grammar table of strong
# verb classes, not words seen in a text.
_NN_STRONG = {
    "skriven": "skrive", "skrivne": "skrive", "riven": "rive", "rivne": "rive", "driven": "drive",
    "drivne": "drive", "hiven": "hive", "hivne": "hive", "biten": "bite", "bitne": "bite",
    "gripen": "gripe", "gripne": "gripe",
    "boren": "bere", "borne": "bere", "stolen": "stele", "stolne": "stele", "komen": "kome",
    "komne": "kome", "funnen": "finne", "funne": "finne", "bunden": "binde", "bundne": "binde",
    "vunnen": "vinne", "sprungen": "springe", "broten": "bryte", "brotne": "bryte",
    "skoten": "skyte", "skotne": "skyte", "frosen": "fryse",
    "halden": "halde", "haldne": "halde", "fallen": "falle", "teken": "ta", "tekne": "ta",
    "teke": "ta", "gjeven": "gje", "gjevne": "gje", "gjeve": "gje", "sett": "sjå", "slegen": "slå",
    "slegne": "slå", "dregen": "dra", "dregne": "dra", "drepen": "drepe", "drepne": "drepe",
    "lagd": "leggje", "lagt": "leggje", "sagt": "seie", "gjort": "gjere", "vald": "velje",
    "valt": "velje", "seld": "selje", "selt": "selje", "kvedd": "kvede",
}
# Predicative adjectives that look like participles after "bli" ("blir lett", "ble godt").
_ADJECTIVE_LOOKALIKES = frozenset(
    """lett tett rett godt stort klart flott trett kort svart sterkt svakt høyt lavt dyrt
    kaldt varmt vått tørt fritt nytt rått sent tidlig mulig vanskelig viktig nødvendig
    ferdig klar glad sint syk sjuk frisk lei kjent borte igjen kvitt litt""".split()
)


# Adjective suffixes: a word in -t on a stem with one of them is an adjective's neuter.
_ADJECTIVE_SUFFIXES = ("al", "ell", "isk", "leg", "lig", "ig", "sam", "bar", "iv", "øs", "ær", "ent", "ant", "en")


# After an article a participle is attributive ("bli ein integrert del"), not passive.
_ARTICLES = frozenset("en et ei ein eit".split())
# Nynorsk words the participle of a verte/bli passive never comes after in its clause.
_NN_STOP = frozenset(
    """i på til med for frå av om over under gjennom etter ved mot hos utan innom mellom blant
    rundt langs kring både enten då viss kor medan""".split()
)
# Degree adverbs: a participle after one of them is an adjective («vart svært overraska»).
# «meir», «så lite» are left out: «vart meir akseptert» is still a passive.
_NN_DEGREE = frozenset("svært veldig litt betre best særs ganske nokså temmeleg altfor".split())
_CLAUSE_EDGE = frozenset("og men eller samt som at om fordi når hvis dersom der hvor mens medan enn".split())
_DEFINITE_ENDINGS = ("en", "et", "ene", "na", "a")


def _definite(word: str, lex: frozenset[str]) -> bool:
    """A definite noun form (planene, tiltaket): ends like one and is not itself a lemma."""
    return word.endswith(_DEFINITE_ENDINGS) and len(word) > 4 and word not in lex and any(
        word[: -len(end)] in lex or word[: -len(end)] + "e" in lex for end in _DEFINITE_ENDINGS if word.endswith(end)
    )


def _nominal(word: str, lex: frozenset[str]) -> bool:
    """A noun form that can be an inverted subject: a definite form or an -er plural."""
    return _definite(word, lex) or (word.endswith("er") and len(word) > 4 and word not in lex and word[:-2] in lex)


def _looks_nominal(word: str, lex: frozenset[str]) -> bool:
    """Could this word be part of a noun phrase between "ble" and its participle?"""
    return word in _SUBJECTS or word in _BETWEEN or word in lex or _definite(word, lex) or word.isdigit()


@dataclass(frozen=True, slots=True)
class Passive:
    start: int
    end: int
    kind: str  # "s" or "bli"
    word: str
    agent: str = ""  # the «av» phrase that names who acts ("av kommunestyret"), if any


def _verb(lemma: str, lex: frozenset[str]) -> bool:
    return len(lemma) >= 2 and lemma in lex and lemma[-1] in "aeiouyæøåé"


# Verbal prefixes a Nynorsk verb may carry without ordbank listing the compound
# (utgreie, innarbeide): the verb is then looked up without them.
_NN_PREFIXES = ("ut", "inn", "opp", "av", "til", "over", "under", "fram", "ned", "om", "på", "bort", "gjennom", "føre", "med", "mis", "sam", "for", "be")
# Deponents ordbank lists under -ast like passives it also lists (gjerast, takast,
# skrivast): an -ast lemma counts as a deponent when Bokmål ordbank has its -es verb
# (finnast/finnes, trivast/trives, møtast/møtes, minnast/minnes, synast/synes). These
# deponents have another stem in Bokmål (lukkast/lykkes, høyrast/høres), so the
# cross-check cannot find them.
_NN_DEPONENTS = frozenset("lukkast mislukkast lykkast mislykkast høyrast".split())
# Infinitives whose -ast form is not the infinitive plus -st.
_NN_AST_BASE = {"takast": "ta", "gjevast": "gje", "gjerast": "gjere"}


def _nn_base(stem: str, lex: frozenset[str]) -> str | None:
    for base in (stem + "e", stem + "a", stem):
        if _verb(base, lex):
            return base
    for prefix in _NN_PREFIXES:
        if stem.startswith(prefix) and len(stem) - len(prefix) >= 3:
            rest = _nn_base(stem[len(prefix):], lex)
            if rest is not None:
                return prefix + rest
    return None


def nn_deponent(word: str, lex: frozenset[str]) -> bool:
    """An -ast verb that is not a passive: ordbank lists it as a lemma of its own and Bokmål
    ordbank has the same verb in -es, or it is one of the few with another Bokmål stem."""
    if word in _NN_DEPONENTS:
        return True
    if word not in lex:
        return False
    stem = word[:-3]
    nb = lemmas("nb")
    return stem + "es" in nb or (stem[-1:] in "aeiouyæøå" and stem + "s" in nb)


def _nn_ast_lemma(w: str, lex: frozenset[str]) -> str | None:
    """The verb of a Nynorsk -ast passive (vurderast: vurdere, gjerast: gjere), or None."""
    if not w.endswith("ast") or len(w) < 6 or nn_deponent(w, lex):
        return None
    for form, verb in _NN_AST_BASE.items():  # takast, vedtakast, overtakast
        if w.endswith(form) and (w == form or w[: -len(form)] + verb in lex):
            return w[: -len(form)] + verb
    return _nn_base(w[:-3], lex)


def s_passive_lemma(word: str, lang: str, lex: frozenset[str]) -> str | None:
    """The infinitive of an s-passive form, or None (deponents and non-verbs give None)."""
    w = word.lower()
    if lang == "nn":
        return _nn_ast_lemma(w, lex)
    if w in lex or len(w) < 3:
        return None
    if w.endswith("es"):
        if _verb(w[:-1], lex):
            return w[:-1]
        if _verb(w[:-2], lex):  # sies, fries
            return w[:-2]
        return None
    if w.endswith("s") and _verb(w[:-1], lex):  # tas, gis, fås
        return w[:-1]
    return None


def is_participle(word: str, lang: str, lex: frozenset[str]) -> bool:
    w = word.lower()
    irregular = IRREGULAR_PARTICIPLES.get(lang, frozenset())
    if w in irregular:
        return True
    if w in _ADJECTIVE_LOOKALIKES or len(w) < 4:
        return False
    # A prefixed strong verb: ødelagt, mottatt, igangsatt, tilrettelagt — when the prefix
    # and the verb make a verb the lexicon knows (ødelegge, igangsette, tilrettelegge).
    for participle, verb in _PARTICIPLE_VERB.items():
        if w.endswith(participle) and len(w) - len(participle) >= 2 and w[: -len(participle)] + verb in lex:
            return True
    if lang == "nn":
        if word[:1].isupper():
            return False  # a name (Førde, Molde) that ends like a participle
        if w in _NN_STRONG:
            return True
        for participle, verb in _NN_STRONG.items():
            if w.endswith(participle) and len(w) - len(participle) >= 2 and w[: -len(participle)] + verb in lex:
                return True
        short_word = len(w) < 5 and w in lex  # fart, bygd: a noun as well?
        for end in ("d", "t", "de", "te"):  # bygd, bygde (byggje), kalt (kalle), stengt
            stem = w[: -len(end)]
            if w.endswith(end) and len(stem) >= 3 and stem[-1:] not in "aeiouyæøå" and (
                (not short_word and _verb(stem + stem[-1] + "e", lex)) or _verb(stem + stem[-1] + "je", lex)
            ):
                return True
        if w.endswith("t") and w[:-1] in lex and w[:-1].endswith(_ADJECTIVE_SUFFIXES):
            return False  # the neuter of an adjective: internasjonalt, naturleg, kritisk
        if w.endswith(("dd", "dde")) and _verb(w[: -2 if w.endswith("dd") else -3], lex):  # førebudd(e), sedd
            return True
        if len(w) < 5 and w in lex:
            return False  # fart, bant: a short word of its own, not a weak participle
        if w.endswith("a") and (_verb(w[:-1] + "e", lex) or _verb(w, lex)):  # kasta, fanga
            return True
        if w.endswith(("d", "t")) and (_verb(w[:-1] + "e", lex) or _verb(w[:-1] + "a", lex)):  # stengt, skadd
            return True
        if w.endswith(("te", "de")) and (_verb(w[:-2] + "e", lex) or _verb(w[:-2] + "a", lex)):  # betalte (plural)
            return True
        return False
    if w.endswith("et") and _verb(w[:-2] + "e", lex):  # bygget, kastet
        return True
    if w.endswith(("dd", "tt")) and _verb(w[:-2], lex):  # bodd, nådd
        return True
    if w.endswith(("t", "d")) and not w.endswith("et"):
        stem = w[:-1]
        if _verb(stem + "e", lex):  # gjennomført, bygd, brukt
            return True
        if len(stem) >= 2 and stem[-1] not in "aeiouyæøå" and _verb(stem + stem[-1] + "e", lex):  # kalt, stilt
            return True
    return False


_AGENT_PRONOUNS = frozenset("oss dem meg deg ham han henne ho dei de seg folk alle andre staten".split())
_AGENT_DETERMINERS = frozenset("den det de dei en ein et eit ei denne dette disse desse sin sitt sine hver kvar våre vår vårt".split())


def agent_after(toks: list[Token], i: int, lex: frozenset[str]) -> str:
    """The «av» phrase after the passive verb at ``i`` that names who acts («styres av
    næringen», «vedtas av kommunestyret», «vart vedteken av Stortinget»), or ""."""
    lower = [t[3] for t in toks]
    n = len(toks)
    for j in range(i + 1, min(n - 1, i + 5)):
        word = toks[j][2]
        if not word[0].isalpha() or lower[j] in _CLAUSE_EDGE:
            return ""
        if lower[j] != "av":
            if lower[j] in _BETWEEN:
                continue  # "vedtas i dag av" is not allowed, "vedtas nå av" is
            return ""  # a particle or preposition first: "trekkes ut av", "omlegges fra"
        k = j + 1
        if lower[k] in _AGENT_DETERMINERS and k + 1 < n and toks[k + 1][2][0].isalpha():
            k += 1
        head = toks[k][2]
        if not head[0].isalpha():
            return ""
        if head[0].isupper() or lower[k] in _AGENT_PRONOUNS or _nominal(lower[k], lex) or k > j + 1:
            return " ".join(t[2] for t in toks[j : k + 1])
        return ""
    return ""


# Words a Nynorsk -ast passive's modal is not looked for across: the clause ends there.
_NN_CLAUSE = frozenset("og eller men som at der kor når viss dersom fordi då medan om enn".split())


def _nn_governed(toks: list[Token], i: int, modals: frozenset[str], found: list[Passive], lex: frozenset[str]) -> bool:
    """Is the Nynorsk -ast form at ``i`` an infinitive after a modal or «å» further back
    in its clause («må i all hovudsak seiast», «bør òg rolla til Stortinget
    oppgraderast»), or coordinated with an -ast passive just found («kan kjøpast og
    seljast»)? The -ast form is itself the mark of the passive, so the modal may stand
    farther off than in Bokmål, where -s is also a genitive."""
    lower = [t[3] for t in toks]
    if i >= 2 and lower[i - 1] in ("og", "eller") and found and found[-1].kind == "s" and found[-1].end == toks[i - 2][1]:
        return True
    stem = lower[i][:-3]
    if stem in lex and stem[-1:] not in "aeiouyæøå" and not lower[i].endswith(tuple(_NN_AST_BASE)):
        return False  # a superlative (klarast, djupast) unless the modal is next to it
    for k in range(i - 1, max(-1, i - 8), -1):
        if not toks[k][2][0].isalnum() or lower[k] in _NN_CLAUSE:
            return False
        if lower[k] in modals or lower[k] == "å":
            return True
    return False


def find_passives(text: str, lang: str, sentences: list[list[Token]] | None = None) -> list[Passive]:
    """Passive verbs in one block of text (offsets into ``text``). ``sentences`` are the
    word tokens of each sentence (klarsyn.checks.base.tokens); without them the text is
    taken as one sentence."""
    if lang not in ("nb", "nn"):
        return []
    lex = lemmas(lang)
    modals, bli = MODALS[lang], BLI[lang]
    found: list[Passive] = []
    for toks in sentences if sentences is not None else [tokens(text)]:
        lower = [t[3] for t in toks]
        n = len(toks)
        for i, (s, e, word, w) in enumerate(toks):
            if not word[0].isalpha():
                continue
            # bli/verte + participle
            if w in bli:
                # The participle may come after adverbs or, in an inverted clause, after
                # the subject ("ble de to journalistene likevel dømt"); stop at a clause edge.
                skip = -1
                for j in range(i + 1, min(n, i + 7)):
                    word_j = toks[j][2]
                    if j == skip:
                        continue
                    if not word_j[0].isalpha() or lower[j] in _CLAUSE_EDGE:
                        break
                    if lower[j] in _BETWEEN or lower[j] in _SUBJECTS:
                        continue
                    if lang == "nn":
                        if lower[j] in ("mellom", "blant") and j + 1 < n and lower[j + 1] == "anna":
                            skip = j + 1  # "vart mellom anna nemnt": an adverbial, not a phrase
                            continue
                        if lower[j] in _NN_STOP or lower[j] in _ADJECTIVE_LOOKALIKES:
                            break  # "har blitt solbrente innom hytta", "vart glad då eg høyrde"
                    if lang == "nn" and lower[j - 1] in _NN_DEGREE:
                        break  # "vart svært nøgde", "bli litt betre rusta": an adjective
                    if lower[j] == "sikt" and lower[j - 1] in ("på", "lang", "kort", "lengre", "lengst"):
                        break  # «blir på lang sikt en fordel»: the noun, not «sikte»'s participle
                    if is_participle(word_j, lang, lex) and lower[j - 1] not in _ARTICLES:
                        found.append(Passive(toks[j][0], toks[j][1], "bli", word_j, agent_after(toks, j, lex)))
                        break
                    if j > i + 1 and not _looks_nominal(lower[j], lex):
                        break
                continue
            if i > 0 and word[0].isupper():
                continue  # a name in the genitive: Norges, Osloskolens
            if i > 0 and lower[i - 1] == "til":
                continue  # the old genitive after «til»: til sjøs, til fjells, til dels
            if word.endswith("-"):
                continue  # a cut compound: "undersøkelses- og tiltaksplikt"
            if s_passive_lemma(word, lang, lex) is None:
                continue
            if i == 0 and w + "e" in lex:
                continue  # sentence-initial imperative: "Les:" (lese)
            # Step back over adverbs and one inverted subject ("må arbeidsplasser spres",
            # "skal planene forelegges") to the word that governs the verb.
            k = i - 1
            subject_seen = False
            while k >= 0:
                if lower[k] in _BETWEEN or lower[k] in _SUBJECTS or lower[k].endswith("vis"):
                    k -= 1
                elif not subject_seen and _nominal(lower[k], lex):
                    subject_seen = True
                    k -= 1
                else:
                    break
            prev = lower[k] if k >= 0 else ""
            if prev in modals or prev == "å":
                found.append(Passive(s, e, "s", word, agent_after(toks, i, lex)))
                continue
            if lang == "nn":
                if _nn_governed(toks, i, modals, found, lex):
                    found.append(Passive(s, e, "s", word, agent_after(toks, i, lex)))
                continue  # Nynorsk present s-passive is rare in writing and looks like a deponent
            nxt = lower[i + 1] if i + 1 < n else ""
            # A genitive is followed by its noun: never by a function word, a name or a
            # definite noun ("I mellomtiden bestyres departementet").
            finite = (
                not nxt
                or not nxt[0].isalpha()
                or nxt in _AFTER_FINITE
                or toks[i + 1][2][0].isupper()
                or _definite(nxt, lex)
                or (i > 0 and lower[i - 1] in _CLAUSE_OPENERS)
                or (prev in _CLAUSE_OPENERS and not subject_seen)
            )
            if finite:
                found.append(Passive(s, e, "s", word, agent_after(toks, i, lex)))
    return found

"""``acronym`` rules: an acronym not explained at its first use."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from klarsyn.engine.kinds.base import Rule, RunContext
from klarsyn.engine.kinds.capitalization import _ONE_LETTER_WORDS
from klarsyn.findings import Edit, Finding, Fix, FixSafety

_ACRONYM = regex.compile(r"(?<![\p{L}\p{N}-])(\p{Lu}{2,6})(?:s|-\p{Ll}+)?(?![\p{L}\p{N}])")
# Compiled once: these run for every candidate on every edit, and regex's module-level
# functions look their pattern up in a cache each call, which cost about a fifth of an edit.
_WORD = regex.compile(r"\p{L}+")
_MODEL_NUMBER = regex.compile(r"[ \u00a0]?\d{1,3}(?![\d:])")
_LOWER_WORD = regex.compile(r"(?<![\p{L}])\p{Ll}+(?![\p{L}])")
_TITLE_WORD = regex.compile(r"(?<![\p{L}])\p{Lu}\p{Ll}+(?![\p{L}])")
_BEFORE = regex.compile(r"(?s)(.*?)(\s*[,–—(-]\s*|\s+)$")
_AFTER = regex.compile(r"(\s*[,:–—-]\s*|\s+)((?:\p{L}+[ \t\n,-]*){1,8})")


@dataclass
class AcronymRule(Rule):
    """``acronym``: an acronym (2–6 capitals) not explained at its first use. It counts as
    explained when its long form stands in parentheses right after it, or it stands in
    parentheses right after the long form. ``known`` lists acronyms every reader knows;
    ``expansions`` gives long forms, offered as a fix at the first use."""

    known: frozenset[str] = frozenset()
    expansions: dict[str, str] = field(default_factory=dict)

    @property
    def local(self) -> bool:
        return False  # "first use" looks at the blocks before

    def run(self, ctx: RunContext) -> list[Finding]:
        from klarsyn.text.lexicon import lemmas

        seen: set[str] = set()
        out = []
        source = ctx.analysis.document.source
        lexicon = lemmas(ctx.analysis.document.language or "nb")
        # How often each word in capitals stands in the file, the words in small letters and
        # the capitalised words: made when the first candidate needs them.
        uses: Counter[str] | None = None
        lowercase_words: Counter[str] = Counter()
        words_in_doc: Counter[str] = Counter()
        for ba in self.blocks(ctx.analysis):
            text = ba.block.text
            for acronym, start, end1, end, whole in _candidates(text):
                if acronym in seen or acronym in self.known:
                    continue
                if uses is None:
                    uses, lowercase_words, words_in_doc = _source_words(ctx.analysis.document.path, source)
                if acronym not in self.expansions and uses[acronym] >= _DOCUMENT_NAME_USES:
                    continue  # «ND», «INP» all through the party's own programme: its readers know it
                if _MODEL_NUMBER.match(text[end1 : end1 + 6]) and acronym not in self.expansions:
                    continue  # «NH 90», «ROLE 2»: a model's designation (not «NOU 2023: 4»)
                if acronym not in self.expansions and acronym.lower() in _ORDINARY_WORDS:
                    continue  # «ALLE skal ha», «DEL 1»: a word in capitals for emphasis
                if acronym not in self.expansions and whole == acronym and acronym.lower() in lexicon:
                    if acronym.lower() in lowercase_words:
                        continue  # «BASIS», «SUM»: a word of the language, used as a word here too
                if acronym not in self.expansions and acronym[0] + acronym[1:].lower() in words_in_doc:
                    continue  # «ENOVA» beside «Enova»: a name, written in capitals here
                s, e = ba.block.source_span(start, end1)
                after = text[end : end + 3].lstrip()
                before = text[:start].rstrip()
                closes = text[end1 : end1 + 1] == ")" or text[end : end + 1] == ")"  # (NGOs), (UH-sektoren)
                if (after.startswith("(") or (before.endswith("(") and closes) or _explained_beside(text, start, end, acronym)
                        or _named_kind(before) or (whole == acronym and _named_kind_after(text[end : end + 40]))
                        or _explained_earlier(source[max(0, s - _EARLIER) : s], acronym)):
                    seen.add(acronym)
                    continue
                if acronym not in self.expansions:
                    if _news_source(text, start, end) or _word_in_compound(text, acronym, lexicon):
                        seen.add(acronym)  # the paper, the festival: its later uses are the same name
                        continue
                    if _in_short_quote(text, start, end):
                        continue  # «Open MIC»: the title, not a use of the acronym
                if ba.block.is_heading or _contents_line(source, s, e):
                    continue  # a heading or the table of contents: explained in the text below
                seen.add(acronym)
                fixes = []
                long_form = self.expansions.get(acronym)
                if long_form:
                    title = {"nb": "Skriv «{0} ({1})»", "nn": "Skriv «{0} ({1})»", "en": "Write “{0} ({1})”"}.get(ctx.lang, "Skriv «{0} ({1})»")
                    fixes.append(Fix(title.format(long_form, acronym), (Edit(s, e, f"{long_form} ({acronym})"),), FixSafety.UNSAFE))
                out.append(self.finding(ctx, ba.block, start, end1, fixes, {"acronym": acronym, "long_form": long_form or ""},
                                        match=acronym, long_form=long_form or "…"))
        return out


@lru_cache(maxsize=16384)
def _candidates(text: str) -> tuple[tuple[str, int, int, int, str], ...]:
    """The acronyms of a block's text that are not inside text in capitals: (acronym,
    start, its end, the end of the match with an ending such as «-en», the match).
    Cached on the text: the rule runs over every block at each edit."""
    return tuple((m.group(1), m.start(1), m.end(1), m.end(), m.group())
                 for m in _ACRONYM.finditer(text) if not _in_capitals_run(text, m.start(), m.end()))


# «EUs energibyrå ACER», «tilsynet PTIL»: a word right before the acronym says what it is.
# Nynorsk forms too («avtala», «senteret»).
_KINDS = regex.compile(r"(?:byrå|byrået|tilsyn|tilsynet|direktorat|direktoratet|etat|etaten|organisasjon|organisasjonen|"
                       r"fond|fondet|forbund|forbundet|nemnd|nemnda|institutt|instituttet|selskap|selskapet|"
                       r"program|programmet|avtale|avtalen|avtala|konvensjon|konvensjonen|system|systemet|"
                       r"senter|senteret|sentret)$")


def _named_kind(before: str) -> bool:
    words = before.split()
    return bool(words) and words[-1].islower() and bool(_KINDS.search(words[-1]))


# «HUNT forskingssenter»: a centre or an agency named by the word right after it (a space
# between, no comma), the way «tilsynet PTIL» names it before. Not after a genitive or a
# compound: «GPs program» is the party's programme.
_KIND_AFTER = regex.compile(r"[ \u00a0]+(\p{Ll}+)(?![\p{L}-])")


def _named_kind_after(after: str) -> bool:
    m = _KIND_AFTER.match(after)
    return bool(m) and bool(_KINDS.search(m.group(1)))


# «… seier ho til BT.», «utdjupar Nordbø til VTB.»: the newspaper or broadcaster a
# statement was given to, named the way the paper's readers know it. A verb of saying
# before «til» in the same sentence, and the sentence (or clause) ends right after.
_SAYING = regex.compile(r"(?<![\p{L}])(?:seier|sei|sa|seia|sagt|fortel|fortalde|fortalt|forklarer|forklarte|opplyser|opplyste|"
                        r"utdjupar|utdjupa|stadfestar|stadfester|stadfesta|skriv|skreiv|uttaler|uttalar|uttalte|"
                        r"sier|forteller|fortalte|bekrefter|bekreftet|utdyper|utdypet)(?![\p{L}])")
_SOURCE_END = regex.compile(r"\s*(?:[.,;:!?]|$|i \d{4})")
_TO = regex.compile(r"(?<![\p{L}])til\s+$")
_INTERVIEW = regex.compile(r"(?<![\p{L}])intervju(?:et)?\s+med\s+$")


def _news_source(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 160) : start]
    if not _SOURCE_END.match(text[end : end + 8]):
        return False
    if _INTERVIEW.search(before):
        return True  # «i eit intervju med BT i 1996»
    if not _TO.search(before):
        return False
    sentence = regex.split(r"[.!?]\s", before)[-1]
    return bool(_SAYING.search(sentence))


def _in_short_quote(text: str, start: int, end: int) -> bool:
    """Inside a short quotation, «Open MIC»: a title or a name quoted as it is written."""
    opened = text.rfind("«", max(0, start - 40), start)
    if opened < 0 or "»" in text[opened:start]:
        return False
    closed = text.find("»", end, end + 40)
    return closed >= 0 and len(_WORD.findall(text[opened:closed])) <= 4


def _word_in_compound(text: str, acronym: str, lexicon: object) -> bool:
    """«VEKA TjueTi …, seier vekasjef Ida Johanne Ulvik»: the same letters begin a compound
    in small letters in the paragraph (the rest a word of the lexicon), so it is a name
    said as a word, written in capitals, not an acronym to spell out. Four letters at
    least: shorter beginnings are parts of too many words."""
    if len(acronym) < 4:
        return False
    low = acronym.lower()
    for m in regex.finditer(rf"(?<![\p{{L}}]){regex.escape(low)}(\p{{Ll}}{{3,}})(?![\p{{L}}])", text):
        if m.group(1) in lexicon:  # type: ignore[operator]
            return True
    return False


# How far back the written-out name is looked for (about two paragraphs of news).
_EARLIER = 1500
_NAME_RUN = regex.compile(r"(?<![\p{L}])\p{Lu}\p{Ll}+(?:[ \u00a0]+(?:(?:og|for|i|av|til|på|med|om|the|of|and|de|la|le|des|und|für)[ \u00a0]+)?\p{Lu}[\p{Ll}\p{Lu}]*)+")


@lru_cache(maxsize=4096)
def _explained_earlier(before: str, acronym: str) -> bool:
    """The name written out in capitalised words a little before («… klar for Melodi Grand
    Prix. … MGP er annleis»): the reader has just read what the letters stand for. Three
    letters at least, all from the name's capitalised words; the letters may come in
    another order (a misspelling, «MPG» after «Melodi Grand Prix»)."""
    if len(acronym) < 3:
        return False
    letters = sorted(acronym.lower())
    for m in _NAME_RUN.finditer(before):
        words = [w for w in _WORD.findall(m.group()) if w[:1].isupper()]
        for i in range(len(words) - len(acronym) + 1):
            part = words[i : i + len(acronym)]  # one capitalised word a letter
            if sorted(w[0].lower() for w in part) == letters:
                return True
    return False


# Common words written in capitals for emphasis or in a heading: never acronyms.
_ORDINARY_WORDS = frozenset(
    """alle alt aldri alltid bare del deg dem den der det du eller en er et for fra gratis
    han har hele her hun ikke ingen ja jeg kan kun litt man med meg men mer mest mindre må
    nei nok nå når og også oss seg selv sin skal som sum til ut uten vi vil vår våre vårt
    ønsker all ei eg dei me ho ikkje noko berre""".split()
)
_FUNCTION_WORDS = frozenset("og for i av til på med om the of and for de del la le des und für".split())
_SECTION_NUMBER = regex.compile(r"^\s*\f?\s*(?:[A-Z]\d*|\d+(?:\.\d+)*)\.?\s")


def _contents_line(source: str, start: int, end: int) -> bool:
    """A line of a table of contents («17.3 ACER», «CRPD......30») or a numbered heading
    («11.8 KAD og kommunal helsetjeneste»): short, numbered or with dot leaders, no period."""
    line_start = max(source.rfind("\n", 0, start), source.rfind("\r", 0, start)) + 1
    ends = [i for i in (source.find("\n", end), source.find("\r", end)) if i >= 0]
    line = source[line_start : min(ends) if ends else len(source)].strip()
    if "...." in line or "…" * 3 in line:
        return True
    words = _WORD.findall(line)
    return bool(_SECTION_NUMBER.match(line)) and len(words) <= 10 and not line.endswith((".", ",", ";"))


def _spells(acronym: str, words: list[str]) -> bool:
    """True when the words, in order, give the acronym's letters: each word its initial
    and maybe more letters inside it (a compound: «petroleumstilsynet» → PTIL); small
    function words may give a letter or none («Institutt for Nordisk Utvikling» → INU)."""
    acr = acronym.lower()
    low = [w.lower() for w in words]

    def match(a: int, w: int) -> bool:
        if w == len(low):
            return a == len(acr)
        word = low[w]
        if word in _FUNCTION_WORDS and match(a, w + 1):
            return True
        if a >= len(acr) or word[0] != acr[a]:
            return False
        # The word gives its initial, then maybe further letters in order.
        def rest(a2: int, i: int) -> bool:
            if match(a2, w + 1):
                return True
            if a2 >= len(acr):
                return False
            j = word.find(acr[a2], i)
            return j >= 0 and rest(a2 + 1, j + 1)

        return rest(a + 1, 1)

    return match(0, 0)


def _explained_beside(text: str, start: int, end: int, acronym: str) -> bool:
    """The long form right before the acronym («New Public Management, NPM», «Små og
    Mellomstore Bedrifter – SMB») or right after it («NIU, Nordisk Institutt for Utvikling»),
    set off by a comma, a dash or a bracket: the initials spell the acronym. With only a
    space between, the long form must be a name (capital initials: «Norgesdemokratene ND»)."""
    return _explained_in(text[max(0, start - 120) : start], text[end : end + 120], acronym)


# Cached on the text around the acronym: the rule runs at every edit, over every
# acronym of the file that is not explained yet, and spelling out the long form is
# the costly part.
@lru_cache(maxsize=4096)
def _explained_in(before_text: str, after_text: str, acronym: str) -> bool:
    """See _explained_beside: ``before_text`` and ``after_text`` are the 120 characters
    before the acronym and after it."""

    def fits(words: list[str], marked: bool) -> bool:
        if not words or any(len(w) > 1 and w.isupper() for w in words):
            return False  # another acronym is no long form («UD og UDI»)
        return _spells(acronym, words) and (marked or all(w[:1].isupper() for w in words if w.lower() not in _FUNCTION_WORDS))

    before = _BEFORE.match(before_text)
    if before:
        marked = bool(before.group(2).strip())
        words = _WORD.findall(before.group(1))[-8:]
        if any(fits(words[-n:], marked) for n in range(1, len(words) + 1)):
            return True
    after = _AFTER.match(after_text)
    if after:
        marked = bool(after.group(1).strip())
        words = _WORD.findall(after.group(2))
        if any(fits(words[:n], marked) for n in range(1, len(words) + 1)):
            return True
    return False


# An acronym this frequent in one document is what the document is about (the party that
# wrote the programme); its readers know it. The sample draft's «SFO» is used 3 times.
_DOCUMENT_NAME_USES = 15


_CAPITALS_WORD = regex.compile(r"(?<![\p{L}\p{N}])\p{Lu}[\p{Lu}\p{N}]{1,7}(?![\p{L}\p{N}])")


@dataclass
class _FileWords:
    """The words of one file that the rule asks about, with their counts: words in
    capitals, words in small letters, capitalised words. Kept from one run on the file to
    the next and brought up to date by the lines that changed: the rule runs at every
    edit, and scanning the whole text three times cost about 40 ms a keystroke on a
    50,000-word programme while almost every line is as before. None of the three
    patterns crosses a line end (a line end is neither a letter nor a digit), so counting
    line by line gives what scanning the whole text gives."""

    lines: list[str]
    uses: Counter[str]
    lower: Counter[str]
    title: Counter[str]

    @classmethod
    def of(cls, source: str) -> "_FileWords":
        return cls(source.split("\n"), Counter(_CAPITALS_WORD.findall(source)), Counter(_LOWER_WORD.findall(source)),
                   Counter(_TITLE_WORD.findall(source)))

    def update(self, source: str) -> None:
        lines = source.split("\n")
        old = self.lines
        same_start = 0
        limit = min(len(old), len(lines))
        while same_start < limit and old[same_start] == lines[same_start]:
            same_start += 1
        same_end = 0
        while same_end < limit - same_start and old[-1 - same_end] == lines[-1 - same_end]:
            same_end += 1
        gone = "\n".join(old[same_start : len(old) - same_end])
        came = "\n".join(lines[same_start : len(lines) - same_end])
        # New counters, not the old ones changed: a run still reading the counts it was
        # given (another thread's, on the same file) keeps what it read.
        self.uses = _counted(self.uses, _CAPITALS_WORD, gone, came)
        self.lower = _counted(self.lower, _LOWER_WORD, gone, came)
        self.title = _counted(self.title, _TITLE_WORD, gone, came)
        self.lines = lines


def _counted(counts: Counter[str], pattern: regex.Pattern[str], gone: str, came: str) -> Counter[str]:
    """``counts`` less the words of ``gone``, plus those of ``came``."""
    if not gone and not came:
        return counts
    out = Counter(counts)
    for word in pattern.findall(gone):
        out[word] -= 1
        if out[word] <= 0:
            del out[word]  # so that ``in`` says whether the file still has it
    out.update(pattern.findall(came))
    return out


# Per file (by path): its words as of the last run on it. Bounded by the number of files.
_FILES: dict[str, _FileWords] = {}
_FILES_KEPT = 64


def _source_words(path: str, source: str) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """The words in capitals with their counts, the words in small letters and the
    capitalised words of the whole file (as counters: ``in`` tells whether the file has
    a word). Read-only for the caller: they are kept for the next run on the file."""
    words = _FILES.pop(path, None)
    if words is None:
        words = _FileWords.of(source)
    else:
        words.update(source)
    if len(_FILES) >= _FILES_KEPT:
        _FILES.pop(next(iter(_FILES)))
    _FILES[path] = words
    return words.uses, words.lower, words.title


def _in_capitals_run(text: str, start: int, end: int) -> bool:
    """True inside text written in capitals (``SKAL BYGGE PÅ FEM``) or letter-spaced
    (``S T OR T I N GS``): not an acronym."""
    neighbours = _WORD.findall(text[max(0, start - 20) : start])[-1:] + _WORD.findall(text[end : end + 20])[:1]
    return any(w.isupper() and (len(w) >= 2 or w not in _ONE_LETTER_WORDS) for w in neighbours)

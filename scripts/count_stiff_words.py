"""Count candidate words in the six dev programmes, to decide what a word list should hold.

    python scripts/count_stiff_words.py kanselli   # officialese not yet in rules/nb/kanselli.yml
    python scripts/count_stiff_words.py english    # English-looking words not in Norsk ordbank
    python scripts/count_stiff_words.py avloser    # Språkrådet's importord found in the programmes

``kanselli`` counts the entries of Språkrådet's Kansellisten and NAV's gammelnavsk list
(../shared/reference/spraksjekk) and a hand-made list of stiff words that programmes use,
with their inflected forms (klarsyn's own term matcher), leaving out the terms kanselli.yml
already lists. ``english`` lists tokens that are ASCII only, are not a Norsk ordbank lemma
(nb or nn) nor a compound the ordbank knows, and have letter patterns that are English
rather than Norwegian (th, w, sh, ee, oo, -ing on a non-Norwegian stem, …). Both print a
table: the word, the total, and in how many of the six programmes it occurs.
The script reads /work/shared (the corpus); klarsyn itself does not.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

import regex
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "server"))

from klarsyn.engine.terms import Term, TermMatcher, term_tokens
from klarsyn.text.lexicon import lemmas

# Stiff words that Norwegian public writing is known for, beyond the two lists (issue 16):
# each with the irregular forms the generic endings miss.
EXTRA: dict[str, list[str]] = {
    "ivareta": ["ivaretar", "ivaretok", "ivaretatt", "ivaretas", "ivaretakelse", "ivaretakelsen"],
    "hensiktsmessig": [], "i forbindelse med": [], "med sikte på": [], "bistå": ["bisto", "bistod", "bistått"],
    "implementere": [], "implementering": [], "i henhold til": [], "påse": ["påser", "påså", "påsett"],
    "igangsette": ["igangsetter", "igangsatte", "igangsatt", "igangsettes"], "igangsetting": [],
    "tilgjengeliggjøre": ["tilgjengeliggjør", "tilgjengeliggjorde", "tilgjengeliggjort"],
    "med hensyn til": [], "hva angår": [], "foreta": ["foretar", "foretok", "foretatt", "foretas"],
    "i regi av": [], "innenfor rammen av": [], "fremskaffe": [], "framskaffe": [], "tilstrebe": [],
    "etterstrebe": [], "anmode": [], "anmodning": [], "inneha": ["innehar", "innehadde", "innehatt"],
    "innvilge": [], "oversende": [], "ferdigstille": [], "synliggjøre": ["synliggjør", "synliggjorde", "synliggjort"],
    "tydeliggjøre": ["tydeliggjør", "tydeliggjort"], "ansvarliggjøre": ["ansvarliggjør", "ansvarliggjort"],
    "nødvendiggjøre": ["nødvendiggjør"], "vektlegge": ["vektlegger", "vektla", "vektlagt"],
    "hvorav": [], "derav": [], "herav": [], "dertil": [], "hvilket": [], "hvorpå": [], "hvori": [],
    "i den grad": [], "fordre": [], "initiere": [], "effektuere": [], "forestå": [], "rekvirere": [],
    "avstedkomme": [], "foranledige": [], "påhvile": [], "tilkjennegi": [], "innrette": [],
    "i tilknytning til": [], "med bakgrunn i": [], "på bakgrunn av": [], "som følge av": [],
    "med det formål": [], "i hovedsak": [], "innebære": [], "fremme": [], "i forhold til": [],
    "hvorvidt": [], "hensynet til": [], "gjennomføre": [], "utarbeide": [], "foreligge": [],
    "tilrettelegging": [], "tilgjengelighet": [], "bistand": [], "fordrer": [], "forankre": [],
    "forankring": [], "ivaretakelse": [], "i tråd med": [], "overordnet": [], "ressurs": [],
}


def programmes() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((SHARED / "corpus" / "programmes").glob("*.txt"))}


def listed_terms() -> set[str]:
    data = yaml.safe_load((ROOT / "rules" / "nb" / "kanselli.yml").read_text(encoding="utf-8"))
    return {" ".join(t["term"].lower().split()) for t in data["terms"]}


def candidates() -> dict[str, list[str]]:
    ref = SHARED / "reference" / "spraksjekk"
    out: dict[str, list[str]] = {}
    for entry in json.loads((ref / "kansellisten.json").read_text(encoding="utf-8"))["kansellisten"]:
        out.setdefault(" ".join(entry["kanselliord"].lower().split()), [])
    for entry in json.loads((ref / "gammelnavsk.json").read_text(encoding="utf-8"))["gammelnavsk_ordliste"]:
        out.setdefault(" ".join(entry["ord"].lower().split()), [])
    for word, forms in EXTRA.items():
        out.setdefault(word, []).extend(forms)
    return out


def table(counts: dict[str, collections.Counter[str]], title: str) -> None:
    print(f"{title:34} {'total':>5} {'progs':>5}  per programme")
    for word, per in sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        total = sum(per.values())
        detail = ", ".join(f"{name[:12]} {n}" for name, n in per.most_common())
        print(f"{word:34} {total:5} {len(per):5}  {detail}")


def cmd_kanselli() -> None:
    listed = listed_terms()
    terms = [Term(w, forms=tuple(f), inflect=" " not in w) for w, f in candidates().items() if w not in listed]
    matcher = TermMatcher(terms)
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for name, text in programmes().items():
        for _s, _e, _m, term in matcher.finditer(" ".join(text.split())):
            counts[term.term][name] += 1
    table(counts, "candidate (not in kanselli.yml)")


# Letter patterns rare in native Norwegian spelling and common in English.
_ENGLISH = regex.compile(r"th|w|sh|ch(?!e)|ee|oo|ea|ou|(?<!n)ck|c(?![kh])|q|x|y[aeiou]|ph|[^aeiouy]y$|ing$|tion$|ment$")


def _compound(word: str, words: object) -> bool:
    """A Norwegian compound («kompetansebygging»): it ends in a lemma (or a lemma with a
    common ending) of four letters or more after a head of three or more."""
    for i in range(3, len(word) - 3):
        tail = word[i:]
        if tail in words or any(tail.endswith(s) and tail[: -len(s)] in words for s in ("e", "en", "er", "et", "ene", "s", "t", "de", "ede")):
            return True
    return False


def cmd_english() -> None:
    words = lemmas("nb") | lemmas("nn")
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for name, text in programmes().items():
        for _s, _e, token, low in term_tokens(text):
            if not low.isascii() or not low.isalpha() or len(low) < 4 or low in words:
                continue
            if token.isupper() or not _ENGLISH.search(low):
                continue  # acronyms; words spelled the Norwegian way
            # an inflected Norwegian word («tekniske» of «teknisk») or a compound whose last part is one
            if any(low[: -len(s)] in words for s in ("e", "en", "er", "et", "ene", "ers", "s", "es") if low.endswith(s)):
                continue
            if _compound(low, words):
                continue
            counts[low][name] += 1
    table({w: c for w, c in counts.items()}, "English-looking token")


ANGLICISMS = ["implementere", "implementering", "stakeholder", "stakeholdere", "onfill", "infill", "refill", "mainstream", "empowerment", "community", "policy", "roadmap", "workshop", "pilotere", "pilotering", "lockdown", "scaleup", "scaleups", "fintech", "outsource", "outsourcing", "deal", "feedback", "benchmark", "benchmarking", "governance", "compliance", "startup", "gründer", "hub", "cluster", "klynge", "mentor", "coach", "coaching", "nudging", "nudge", "followup", "follow-up", "selfie", "influencer"]


def cmd_avloser() -> None:
    """The importord of Språkrådet's avløserord list and a few anglicisms, as they occur in
    the programmes, with whether Norsk ordbank (nb) has the word."""
    data = json.loads((SHARED / "reference" / "spraksjekk" / "avloserord.json").read_text(encoding="utf-8"))
    words = lemmas("nb")
    entries = {" ".join(regex.sub(r"\(.*?\)", "", e["importord"]).lower().split()) for e in data["avløserord"]}
    entries |= set(ANGLICISMS)
    terms = [Term(w, inflect=" " not in w) for w in sorted(entries) if len(w) >= 3 and regex.fullmatch(r"[\p{L} \-]+", w)]
    matcher = TermMatcher(terms)
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for name, text in programmes().items():
        for _s, _e, _m, term in matcher.finditer(" ".join(text.split())):
            counts[term.term + (" (ordbank)" if term.term in words else "")][name] += 1
    table(counts, "importord (avløserord) / anglicism")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["kanselli", "english", "avloser"])
    args = parser.parse_args()
    {"kanselli": cmd_kanselli, "english": cmd_english, "avloser": cmd_avloser}[args.what]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

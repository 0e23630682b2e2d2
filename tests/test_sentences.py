from __future__ import annotations

import pytest

from klarsyn.text.sentences import split_sentences


def sentences(text: str, lang: str = "nb") -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text, lang)]


def words(text: str, lang: str = "nb") -> list[str]:
    return [text[w.start : w.end] for s in split_sentences(text, lang) for w in s.words]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Vi vil bygge. Dere vil rive!", ["Vi vil bygge.", "Dere vil rive!"]),
        ("Vi feirer 17. mai i alle bydeler. Det blir fint.", ["Vi feirer 17. mai i alle bydeler.", "Det blir fint."]),
        ("Elever i 3. klasse får leksehjelp.", ["Elever i 3. klasse får leksehjelp."]),
        ("Det gjelder f.eks. Oslo og bl.a. Bergen.", ["Det gjelder f.eks. Oslo og bl.a. Bergen."]),
        ("Se jf. § 3-1 i loven. Neste punkt.", ["Se jf. § 3-1 i loven.", "Neste punkt."]),
        ("Møtet er kl. 14.30 i dag. Kom tidlig.", ["Møtet er kl. 14.30 i dag.", "Kom tidlig."]),
        ("Renten er 3,5 pst. i år og 4.5 neste år.", ["Renten er 3,5 pst. i år og 4.5 neste år."]),
        ("Vi kjøper epler, pærer osv. Deretter går vi.", ["Vi kjøper epler, pærer osv.", "Deretter går vi."]),
        ("Det koster ca. 30 pst. Det er mye.", ["Det koster ca. 30 pst.", "Det er mye."]),
        ("Sak nr. 12 er utsatt, dvs. til neste møte.", ["Sak nr. 12 er utsatt, dvs. til neste møte."]),
        ("Finn A. Eilertsen er leder.", ["Finn A. Eilertsen er leder."]),
        ("Han sa: «Dette er bra.» Så gikk han.", ["Han sa:", "«Dette er bra.»", "Så gikk han."]),
        ("Vi har tre mål: færre utslipp og flere jobber.", ["Vi har tre mål: færre utslipp og flere jobber."]),
        ("Hva nå? – Vi prøver igjen.", ["Hva nå?", "– Vi prøver igjen."]),
        ("Nettsiden x.no er oppe. Bra.", ["Nettsiden x.no er oppe.", "Bra."]),
        ("Vi gjer det t.d. i Bergen. Det går bra.", ["Vi gjer det t.d. i Bergen.", "Det går bra."]),
        ("Uten punktum på slutten", ["Uten punktum på slutten"]),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    lang = "nn" if "gjer" in text else "nb"
    assert sentences(text, lang) == expected


def test_english_abbreviations() -> None:
    assert sentences("We met Dr. Smith, e.g. on Monday. Then we left.", "en") == [
        "We met Dr. Smith, e.g. on Monday.",
        "Then we left.",
    ]


def test_words_are_letters_and_keep_compounds() -> None:
    text = "Arbeiderparti-styrte kommuner gir 50-årsgaver, 500 000 kroner og f.eks. NAVs tilbud."
    assert words(text) == [
        "Arbeiderparti-styrte",
        "kommuner",
        "gir",
        "50-årsgaver",
        "kroner",
        "og",
        "f.eks.",
        "NAVs",
        "tilbud",
    ]


def test_letters_exclude_hyphens_and_digits() -> None:
    [s] = split_sentences("Arbeiderparti-styrte 50-årsgaver f.eks. skole")
    assert [w.letters for w in s.words] == [19, 8, 4, 5]
    assert s.long_words == 2


def test_accented_and_norwegian_letters() -> None:
    assert words("Café Ærø og Åsgårdstrand økte.") == ["Café", "Ærø", "og", "Åsgårdstrand", "økte"]


def test_numbers_and_symbols_are_not_words() -> None:
    assert words("2023 – 45 % § 3-1 14.30") == []


def test_every_abbreviation_starts_with_letters_and_a_period() -> None:
    # The tokenizer's fast lookahead for abbreviations (text/tokens.py) relies on it.
    import regex

    from klarsyn.text.abbreviations import all_abbreviations

    for abbreviation in all_abbreviations():
        first = abbreviation.split(".", 1)[0]
        assert first and regex.fullmatch(r"\p{L}+", first), abbreviation


def test_abbreviations_stay_one_token_in_any_case() -> None:
    from klarsyn.text.tokens import Kind, tokenize

    text = "Vi vil bl.a. bygge F.EKS. skoler, jf. planen, ca. 30 stk. Det er alt."
    abbreviations = [text[a:b] for kind, a, b in tokenize(text) if kind is Kind.ABBREVIATION]
    assert abbreviations == ["bl.a.", "F.EKS.", "jf.", "ca.", "stk."]

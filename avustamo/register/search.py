"""Text search of the register, alike on PostgreSQL and SQLite as far as each can go.

Documents and queries are reduced the same way: lower-cased words, each with its Finnish, Swedish and English
Snowball stems. A query word matches a document word that begins with the word or one of its stems, so
"hankkeiden" finds "hanke", "avustus" finds "avustuksista" and "kotou" finds "kotoutuminen". PostgreSQL runs this
as a prefix query on a GIN index over the stored `to_tsvector('simple', search_text)`, and lets each query word
stand also for the register's own words most like it (pg_trgm word similarity over the table of those words),
which forgives typos and finds compounds; SQLite, the simpler fallback, matches the same prefixes with LIKE and
forgives no typos.
"""

import re
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[^\W_]+")
MAX_QUERY_WORDS = 8
MIN_STEM_LENGTH = 3
STEMMERS = {language: snowballstemmer.stemmer(name) for language, name in {
    "fi": "finnish", "sv": "swedish", "en": "english"}.items()}  # fmt: skip
# Finnish stems keep the consonant alternations the Snowball rules leave: avustus ~ avustuks(ista),
# kotoutuminen ~ kotoutumis(en). Both spellings reduce to one shared beginning.
FINNISH_KS = re.compile(r"(?<=[aeiouyäö])ks$")
FINNISH_NEN = re.compile(r"(?<=\w{4}[aeiouyäö])[ns]$")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


@lru_cache(maxsize=50_000)
def variants(word: str) -> frozenset[str]:
    """The word and its stems, leaving out any that another variant already begins with."""
    finnish = STEMMERS["fi"].stemWord(word)
    found = {
        word,
        finnish,
        FINNISH_KS.sub("s", finnish),
        FINNISH_NEN.sub("", finnish),
        STEMMERS["sv"].stemWord(word),
        STEMMERS["en"].stemWord(word),
    }
    found = {variant for variant in found if len(variant) >= MIN_STEM_LENGTH or variant == word}
    return frozenset(
        variant
        for variant in found
        if not any(variant != other and variant.startswith(other) for other in found)
    )


def document(*texts: str) -> str:
    """What `search_text` holds: every word and stem once, each after a space so that LIKE '% stem%' finds it."""
    tokens: dict[str, None] = {}
    for text in texts:
        for word in words(text):
            tokens[word] = None
            tokens.update(dict.fromkeys(sorted(variants(word))))
    return " " + " ".join(tokens)


def query_words(query: str) -> list[str]:
    """The query's distinct words, at most MAX_QUERY_WORDS of them."""
    return list(dict.fromkeys(words(query)))[:MAX_QUERY_WORDS]


def query_terms(query: str) -> list[frozenset[str]]:
    """Per query word, the prefixes any of which a matching document must hold."""
    return [variants(word) for word in query_words(query)]


def tsquery(terms: list[frozenset[str]], similar: list[set[str]] | None = None) -> str:
    """A to_tsquery text: every query word must match, each through any of its prefixes or of the document words
    given as like it."""
    similar = similar or [set() for _ in terms]
    return " & ".join(
        "(" + " | ".join([f"{prefix}:*" for prefix in sorted(term)] + sorted(like - term)) + ")"
        for term, like in zip(terms, similar, strict=True)
    )


def document_words(search_text: str) -> set[str]:
    """The words `search_text` holds, as the table of the register's words keeps them."""
    return set(search_text.split())

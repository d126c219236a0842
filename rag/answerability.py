"""Whether a ranking supports an answer: the evidence for and against, and the decision.

No LLM decides here, and e5 cosines sit in a narrow band for every question, so the decision
combines several signals instead of one cosine cut-off (thresholds in ``RefusalPolicy``):

* unknown names: a proper noun of the question that the corpus never mentions (even abbreviated,
  카톡 for 카카오톡) means the question is about someone or something else;
* coverage: the share of a Korean question's key-term weight (BM25 idf) that the corpus contains;
  a question built on terms the corpus never uses is not answered by it;
* standout: how far the cited document's best candidate sentence stands above its other
  candidate sentences, in standard deviations; an answerable question has one sentence that fits,
  an unanswerable one spreads its similarity evenly. Measured within the document, not over all
  candidates, whose best one stands further out the more documents a corpus holds.

English words count through the lexicon bridge's translations (``rag.bridge``). A question with
nothing to weigh, no Korean term and no English word the lexicon knows or name the corpus spells
("asdfgh", "ㅋㅋㅋ", "?", "1234"), is refused: no sentence can be shown to answer it.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Collection, Iterable, Mapping, Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from rag.answer_spans import SURNAMES
from rag.config import RefusalPolicy
from rag.lexical import BM25, LATIN, PassageTerms, title_terms
from rag.lexicon import lemma
from rag.names import verb_stem
from rag.question_kind import AIM_WORDS, FIGURE_NOUNS, NAME_WORDS, NAMED_PERIODS
from rag.retrieval import Ranking
from rag.types import Passage


@dataclass(frozen=True)
class Evidence:
    """The signals of one ranking that answerability weighs."""

    best_sentence: float
    """Cosine of the top passage's best sentence (0 without hits)."""
    coverage: float
    standout: float
    unknown_names: tuple[str, ...]
    hangul_share: float
    has_terms: bool
    """Whether coverage means anything: the question has Korean terms, or English words the
    lexicon bridge could weigh. Otherwise only standout and the cosine floor decide, for a question
    that is ``readable`` at all (an English one with the bridge off)."""
    has_hits: bool = True
    missing_measure: str | None = None
    """The noun whose amount the question asks for, when the document never mentions it."""
    readable: bool = True
    """False when the question has nothing to look for ("asdfgh", "ㅋㅋㅋ", "?"): no Korean term and,
    with the lexicon bridge on, no English word it knows or name the corpus spells."""
    missing_periods: tuple[str, ...] = ()
    """Dates and quarters of the question that the document never names ("3분기" of an article on
    the second quarter)."""
    names_only: bool = False
    """An English question whose only words the lexicon bridge could weigh are names: its other
    words are unknown to the lexicon ("Where is Kakao headquartered?"), so coverage says nothing of
    what it asks."""


@dataclass(frozen=True)
class Verdict:
    supported: bool
    evidence: Evidence
    hit: int = 0
    """The hit to answer from: the first whose document supports the question (0 when refused)."""


def stands_out(evidence: Evidence, policy: RefusalPolicy) -> bool:
    """Whether the best sentence is unmistakable: it stands out strongly, and further still when it
    says none of the question's terms."""
    needed = policy.zero_coverage_standout if evidence.has_terms and evidence.coverage <= 0 else policy.strong_standout
    return evidence.standout >= needed


def decide(evidence: Evidence, policy: RefusalPolicy) -> bool:
    """True when the evidence is strong enough to quote."""
    # Every term of the question in the document waives the cosine floor: "Who is Hong Eun-taek?"
    # names the article's main speaker, yet an English name alone sits far from Korean sentences.
    covered = evidence.has_terms and evidence.coverage >= policy.confident_coverage
    if not evidence.has_hits or not evidence.readable or evidence.unknown_names \
            or (evidence.best_sentence < policy.min_sentence and not covered):
        return False
    floor = policy.min_coverage if evidence.hangul_share >= 0.5 else policy.min_coverage_translated
    if evidence.missing_measure and evidence.has_terms and evidence.coverage < floor:
        return False  # neither the figure asked for nor most of the rest: "배당금은 얼마야?"
    # A period the document never names is not saved even by an unmistakable sentence, which is
    # about the same thing at another time ("주말 방문자" stood out 3.05 over the weekday figure).
    if evidence.missing_periods:
        return False
    # Only an unmistakable sentence saves other figures than asked for, nothing but a name, or a
    # paraphrase (음악 for 뮤직) that misses terms.
    if evidence.missing_measure or evidence.names_only:
        return stands_out(evidence, policy)
    if evidence.has_terms:
        if evidence.coverage < floor:
            return stands_out(evidence, policy)
        if evidence.coverage >= policy.confident_coverage:
            return True
    return evidence.standout >= policy.min_standout


def _names_only(ranking: Ranking) -> bool:
    """Whether an English question's words are names and words the lexicon does not know, at least
    one of them: nothing but the names can be checked in a document."""
    if ranking.bridged is None or any(not LATIN.search(t) for t in ranking.query.key):
        return False
    states = {g.state for g in ranking.bridged.groups}
    return "unknown" in states and "name" in states and not states & {"found", "absent"}


def standout(scores: np.ndarray) -> float:
    """How many standard deviations the best score lies above the mean of all of them."""
    if not len(scores):
        return 0.0
    spread = float(scores.std())
    return float((scores.max() - scores.mean()) / spread) if spread > 1e-6 else 0.0


@dataclass(frozen=True, eq=False)
class _Scope:
    """What one document says: its terms and its title and text, for grounding a question in it."""

    terms: frozenset[str]
    """The terms of its passages."""
    text: str
    date: str = ""
    """The document's date (``date`` metadata), kept apart from the text: compacted into it, its
    digits would run into the first passage's ("2023-08-032분기")."""
    title: str = ""

    @cached_property
    def vocab(self) -> frozenset[str]:
        """Its terms and its title's: a biography's body may never repeat the name it is about
        ("전현희가 졸업한 고등학교는?" of the article titled 전현희). The title is analysed when the
        document is first cited, not when the index loads."""
        return frozenset(self.terms).union(title_terms(self.title))

    @cached_property
    def compact(self) -> str:
        """The text without white space: a question may write 푸시캣돌스 for 푸시캣 돌스."""
        return "".join(self.text.split())

    @cached_property
    def latin_words(self) -> frozenset[str]:
        """The Latin-script words the text writes, lower-cased ("Entertainment Weekly" is quoted so)."""
        return frozenset(w.lower() for w in _LATIN_WORD.findall(self.text))

    @cached_property
    def words(self) -> frozenset[str]:
        """The text's written words (with their particles), for spotting a misspelt name."""
        return frozenset(self.text.split())


class Answerability:
    """Judges rankings over one corpus, one cited document at a time.

    A question is answered from a document only when that document supports it: its key terms
    (or their translations) and its names occur in that document, not merely somewhere in the
    corpus, and that document's best sentence stands out among the candidates. So a question about
    one company is never answered with another company's sentence; when the top passage's
    document does not support the question, the next hits' documents are tried.
    """

    def __init__(self, passages: Sequence[Passage], terms: Sequence[PassageTerms], bm25: BM25,
                 policy: RefusalPolicy | None = None, reads_english: bool = True,
                 dates: Mapping[str, str] | None = None) -> None:
        """``reads_english``: whether English questions come with the lexicon bridge's translations;
        without them, an English question's words are no sign of noise. ``dates``: each document's
        date (its ``date`` metadata) by source, which names the year that news calls 올해: "sales in
        the second quarter of 2023" is asked of an article dated 2023-08-03 that never writes 2023."""
        self.policy = policy or RefusalPolicy()
        self.reads_english = reads_english
        self.bm25 = bm25
        vocab: dict[str, set[str]] = defaultdict(set)
        texts: dict[str, list[str]] = defaultdict(list)
        for p, t in zip(passages, terms, strict=True):
            if not texts[p.source]:
                texts[p.source].append(p.title)
            texts[p.source].append(p.text)
            vocab[p.source].update(t.all())
        self._scopes = {source: _Scope(frozenset(vocab[source]), "\n".join(texts[source]), (dates or {}).get(source, ""),
                                       texts[source][0]) for source in texts}
        # What each document is about, where its headline says so ("라온소프트 \"분기 매출 …\"", "별마루, …").
        self._subjects = frozenset(subject for scope in self._scopes.values() if (subject := _subject(scope.title)))

    def unmistakable(self, verdict: Verdict) -> bool:
        """Whether the cited document's best sentence stands out so far that it answers even when
        the quote holds nothing of the kind the question asks for: the strictest standout, since
        standout says the sentence is on the question's topic, not that it holds the time or amount
        asked for ("'펑' 기능은 언제 출시돼?" stood out 3.01 over what 펑 does)."""
        return verdict.evidence.standout >= self.policy.unmistakable_standout

    def assess(self, ranking: Ranking, own: Ranking | None = None) -> Verdict:
        """``own`` is what a follow-up said itself when ``ranking`` is for the question completed
        from the conversation: the carried words come from an answered turn, so they say nothing
        about whether this question is answered; its own words must be in the cited document."""
        if not ranking.hits:
            return Verdict(False, Evidence(0.0, 0.0, 0.0, (), ranking.hangul_share, False, has_hits=False))
        first: Verdict | None = None
        seen: set[str] = set()
        said = self._question_evidence(ranking)
        subjects = self.subjects_named(ranking.query.text)
        for i, hit in enumerate(ranking.hits):
            if hit.passage.source in seen:
                continue
            seen.add(hit.passage.source)
            verdict = self._assess_in(ranking, i, said, subjects)
            if verdict.supported and own is not None:
                own_coverage = self._own_coverage(own, self._scopes[hit.passage.source].vocab)
                if own_coverage < self.policy.min_follow_up_coverage:
                    verdict = Verdict(False, dataclasses.replace(verdict.evidence, coverage=own_coverage), i)
            if verdict.supported:
                return verdict
            first = first or verdict
        assert first is not None
        return Verdict(False, first.evidence, 0)

    def _question_evidence(self, ranking: Ranking) -> dict[str, object]:
        """The evidence that the question alone gives, the same in every document."""
        has_terms = self._has_terms(ranking)
        return dict(hangul_share=ranking.hangul_share, has_terms=has_terms,
                    readable=has_terms or (not self.reads_english and bool(ranking.query.key)),
                    names_only=_names_only(ranking))

    def _assess_in(self, ranking: Ranking, i: int, said: dict[str, object], subjects: Sequence[str]
                   ) -> Verdict:
        """The evidence that hit ``i``'s document supports the question (``said``: what the question
        alone gives, from :meth:`_question_evidence`)."""
        hit = ranking.hits[i]
        scope = self._scopes[hit.passage.source]
        evidence = Evidence(
            best_sentence=hit.sentence_score,
            coverage=self.coverage(ranking, scope.vocab),
            # Among the document's own candidate sentences: over all candidates, the best one
            # stands further out the more documents there are, whatever the question.
            standout=standout(ranking.candidate_sentence_scores[ranking.candidate_sentence_sources
                                                                == hit.passage.source]),
            unknown_names=self.unknown_names(ranking, scope, subjects),
            missing_measure=self._missing_measure(ranking, scope),
            missing_periods=tuple(p for p in ranking.query.periods
                                  if not (_names_period(p, scope.compact) or _names_period(p, scope.date))),
            **said,  # type: ignore[arg-type]
        )
        return Verdict(decide(evidence, self.policy), evidence, i)

    @staticmethod
    def _missing_measure(ranking: Ranking, scope: _Scope) -> str | None:
        """The noun whose amount the question asks for, when the document lacks it: a Korean one
        written nowhere, not even inside a word (편민사목 holds 사목); an English one ("How many
        employees …", "How much dividend …") when the lexicon knows it and none of its translations
        is there."""
        measure = ranking.query.measured
        if not measure:
            return None
        vocab = scope.vocab
        if not LATIN.search(measure):
            return None if measure in vocab or measure in scope.compact else measure
        group = ranking.bridged.group_of(measure) if ranking.bridged is not None else None
        if group is None or group.state not in ("found", "absent") or group.loose:
            return None  # the lexicon's phrases ("net revenue" -> 순수익) say nothing of the word alone
        if group.senses > 1 and lemma(measure) == measure and " " not in group.source \
                and not FIGURE_NOUNS & set(group.terms):
            # An amount ("How much revenue …"), not a count (plural): krdict misses the news sense
            # of many such nouns (매출 is "sale" there), so only a precise word (dividend), a phrase
            # it glosses (net income) or a word it translates to a figure of the news ("loss": 손실;
            # not "revenue": 수익 of "net revenue") decides.
            return None
        return None if any(t in vocab for t in group.terms) else measure

    def _has_terms(self, ranking: Ranking) -> bool:
        if ranking.bridged is None:
            return ranking.hangul_share >= 0.5 and bool(ranking.query.terms)
        return any(g.state in ("found", "absent", "name") for g in ranking.bridged.groups) or any(
            not LATIN.search(t) for t in ranking.query.key)

    def _own_coverage(self, own: Ranking, vocab: Collection[str]) -> float:
        """Coverage of a follow-up's own words; 1.0 when it has none ("By how much?"). Latin words
        that the lexicon does not know are neutral, as they are in the bridge."""
        if own.bridged is None:
            key = tuple(t for t in own.query.key if not LATIN.search(t))
            own = dataclasses.replace(own, query=dataclasses.replace(own.query, key=key))
        # A follow-up's aim is the carried figure's ("연말 목표는?" after the users of a tab), which
        # news gives as a plan ("연말까지 4000만명을 확보할 계획"), seldom by the word 목표.
        return self.coverage(own, vocab, empty=1.0, unweighed=NAME_WORDS | AIM_WORDS)

    def coverage(self, ranking: Ranking, vocab: Collection[str], empty: float = 0.0,
                 unweighed: Collection[str] = NAME_WORDS) -> float:
        """Share of the question's key-term weight (corpus idf) that ``vocab`` (a document's) holds.

        The words for a name (이름, 명칭) are not weighed when the document lacks them: it gives the
        name, not the word ("카카오 대표 이름이 뭐야?" is answered by 홍은택 카카오 대표); when it has
        them, they count as any term ("달무리라는 이름은 …" for "달무리 확장판의 이름은?"). Korean
        ``unweighed`` words other than these are the caller's (a follow-up's aim, 목표).

        Korean key terms count by their own idf (the unseen idf when the corpus lacks them);
        English words by the idf of their set of translations, or, when all translations are
        missing, the unseen idf scaled down for words of many senses. A word found only as verbs is
        not weighed, as a Korean question's verbs are not key terms: krdict's verbs are general and
        match any article ("react" -> 보이다, "pay" -> 나오다), which made "How did Kakao's share price
        react …?" look half covered.
        """
        known = total = 0.0
        korean = ranking.query.key if ranking.bridged is None else [t for t in ranking.query.key
                                                                    if not LATIN.search(t)]
        for term in {t for t in korean if t not in unweighed or t in vocab}:
            weight = self.bm25.term_weight(term)
            total += weight
            known += weight if term in vocab else 0.0
        for group in ranking.bridged.groups if ranking.bridged else ():
            if group.state == "found" and all(verb_stem(t) for t in group.terms):
                continue
            if group.state in ("found", "name"):
                weight = self.bm25.set_weight(group.terms)
                total += weight
                known += weight if any(t in vocab for t in group.terms) else 0.0
            elif group.state == "absent":
                total += self.bm25.unseen_idf / max(group.senses, 1) ** self.policy.absent_sense_power
        return known / total if total else empty

    def unknown_names(self, ranking: Ranking, scope: _Scope, subjects: Sequence[str] | None = None
                      ) -> tuple[str, ...]:
        """Names in the question that the document never mentions: a question about someone or
        something else is not answered by it, however close its wording.

        A Korean name counts as mentioned when it occurs in the document or, for abbreviations
        such as 카톡 for 카카오톡, when its syllables occur in order in one of the document's
        terms that starts with the same syllable. A Latin-script name counts when the corpus
        term it spells occurs in the document; one that spells nothing in the corpus is unknown.
        """
        names = [n for n in ranking.query.names if not self._mentions(n, scope)]
        # Another document's subject, which Kiwi may not take for a name (라온소프트 is a common noun to
        # it): a question about it is not answered by a document that never writes it.
        if subjects is None:
            subjects = self.subjects_named(ranking.query.text)
        names += [subject for subject in subjects if subject not in names and subject not in scope.compact]
        if ranking.bridged is not None:
            unspelt = (g.source for g in ranking.bridged.groups
                       if g.state == "name" and not all(t in scope.vocab for t in g.terms))
            latin = [*ranking.bridged.unknown_names, *unspelt]
            names += [n for n in latin if not _spelt_in(n, scope)]
        return tuple(names)

    def subjects_named(self, question: str) -> tuple[str, ...]:
        """The other documents' subjects that the question writes as a word of its own, with or
        without a particle ("라온소프트의"; not 단독 of 단독주택)."""
        return tuple(dict.fromkeys(stem for word in _WORD_BREAK.split(question) if word
                                   for stem in _stems(word) if stem in self._subjects))

    @staticmethod
    def _mentions(name: str, scope: _Scope) -> bool:
        """Also written with other spacing (푸시캣돌스, 리처드닉슨), with a particle Kiwi took for part
        of the name (빅뱅이, 다쓰오가), or misspelt by a letter in a long name (뉘루부르크링)."""
        if name in scope.vocab or name in scope.text:
            return True
        if len(name) >= 3 and (name in scope.compact or (name[-1] in _PARTICLES and name[:-1] in scope.compact)):
            return True
        if len(name) >= 5 and process.extractOne(
                name, [w for w in scope.words if w[:1] == name[:1] and len(w) >= len(name) - 1],
                scorer=fuzz.partial_ratio, score_cutoff=TYPO_SIMILARITY):
            return True
        if len(name) >= 3 and (_one_letter_off(name, scope.words) or _one_letter_off(name, _stretches(scope, name))):
            return True
        return any(t[:1] == name[:1] and _abbreviates(name, t) for t in scope.vocab)


_HEADLINE_SUBJECT = re.compile(r"([가-힣A-Za-z0-9]{2,})(?:,|\s*[\"“'‘])")
"""A headline's first word when a comma or a quotation follows it: news names its subject so
("별마루, 2분기 …", "라온소프트 \"분기 매출 …\""), not in "올해 반도체 수출 감소" or "[단독] …"."""
_WORD_BREAK = re.compile(r"[\s,·…:;!?\"'“”‘’「」『』()\[\]<>《》〈〉]+")


def _subject(title: str) -> str:
    """What a headline says its document is about, or "" when it does not say so."""
    match = _HEADLINE_SUBJECT.match(title.strip())
    return match.group(1) if match else ""


def _stems(word: str) -> tuple[str, ...]:
    """A written word and the word without one particle at its end ("라온소프트의" -> 라온소프트)."""
    return (word, *(word[:-len(p)] for p in _TRAILING_PARTICLES if word.endswith(p) and len(word) > len(p) + 1))


def _stretches(scope: _Scope, name: str) -> Iterable[str]:
    """The document's text without white space, cut into stretches as long as ``name`` that start
    with its first letter: a name written across a space the question leaves out (해상교정 / 해상
    교전이)."""
    text, size = scope.compact, len(name)
    return (text[i:i + size] for i, ch in enumerate(text) if ch == name[0])


def _one_letter_off(name: str, words: Iterable[str]) -> bool:
    """Whether a written word starts with ``name`` misspelt by one jamo (거쉬윈 / 거슈윈의, 해상교정 /
    해상교전에서, 헤리슨 / 해리슨): Hangul decomposed (NFD) so that a vowel or final consonant is one
    letter. The first consonant must agree, and the whole first syllable where it may be a surname:
    유정훈 and 이정훈 are two people, 헤리슨 and 해리슨 one name transcribed two ways."""
    target = unicodedata.normalize("NFD", name)
    first = (lambda w: w[:1] == name[:1]) if name[:1] in SURNAMES else (
        lambda w: unicodedata.normalize("NFD", w[:1])[:1] == target[:1])
    return any(first(w) and Levenshtein.distance(target, unicodedata.normalize("NFD", w[:len(name)]), score_cutoff=1) <= 1
               for w in words if len(w) >= len(name))


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
LATIN_TYPO_SIMILARITY = 85
"""rapidfuzz ratio (0-100) at which a Latin word of five letters or more counts as a misspelling of a
word the document writes: weely / weekly 91; naver / never 80 (no)."""


def _spelt_in(name: str, scope: _Scope) -> bool:
    """Whether the document writes a Latin name itself, every word of it, perhaps misspelt by a
    letter in a long word: a question quoting "Entertainment Weely" from "Entertainment Weekly"."""
    words = [w.lower() for w in _LATIN_WORD.findall(name)]
    return bool(words) and all(w in scope.latin_words or (len(w) >= 5 and process.extractOne(
        w, scope.latin_words, scorer=fuzz.ratio, score_cutoff=LATIN_TYPO_SIMILARITY)) for w in words)


def _names_period(period: str, compact: str) -> bool:
    """Whether text without white space names a date or quarter: "3분기", not inside "13분기"; a
    year also bare ("《품위있는 그녀》(2017)"); a named period in any of its words (주말: 일요일)."""
    if period in NAMED_PERIODS:
        return any(word in compact for word in NAMED_PERIODS[period])
    number = period.rstrip("년")
    wanted = rf"(?<!\d){re.escape(number)}(?!\d)" if number != period else rf"(?<!\d){re.escape(period)}"
    return re.search(wanted, compact) is not None


_PARTICLES = frozenset("이가은는을를의와과도로에")
_TRAILING_PARTICLES = ("에서는", "에게서", "으로는", "에서", "에게", "으로", "까지", "부터", "보다", "처럼", "이랑", "랑",
                       "만", "엔", *_PARTICLES)
"""Particles a question may write after another document's subject ("라온소프트의", "별마루에서")."""
TYPO_SIMILARITY = 80
"""rapidfuzz partial ratio (0-100) at which a name of five syllables or more counts as a misspelling
of a word of the document: 뉘루부르크링 / 뉘르부르크링의 83, 메타크리티 / 메타크리틱에서 80; 카카오뱅크 /
카카오브레인 60."""


def _abbreviates(short: str, long: str) -> bool:
    """True when ``short`` is ``long`` with syllables left out (카톡 / 카카오톡)."""
    if not 1 < len(short) < len(long):
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)

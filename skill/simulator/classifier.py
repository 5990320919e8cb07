"""Which intent an utterance means: a statistical classifier trained on a model's samples.

Word pairs and character n-grams (TF-IDF) into a linear support vector machine (scikit-learn),
the classic text classifier, standing in for Alexa's statistical understanding: it learns what
each intent sounds like from the samples and generalizes to words nobody wrote down. Its
margin is how sure it is; below the model's fallback sensitivity, Alexa would answer
AMAZON.FallbackIntent instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.svm import LinearSVC

# Regularization of the support vector machine: lower generalizes more from few samples.
_C = 0.5


@dataclass(frozen=True)
class Ranked:
    """An intent and the classifier's margin for it: above 0 it is more likely than not."""

    intent: str
    margin: float


class IntentClassifier:
    """Trained once on the examples' words and intents; ranks intents for an utterance."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    @classmethod
    def train(cls, texts: Sequence[str], intents: Sequence[str]) -> IntentClassifier:
        """Fit the classifier; the same examples always give the same classifier."""
        pipeline = make_pipeline(
            make_union(
                TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                min_df=2),
            ),
            # Each intent weighs as much as its samples say, as in any model trained on them:
            # an intent with many samples is not made to count for less than one with few.
            LinearSVC(C=_C, random_state=0),
        )
        pipeline.fit(list(texts), list(intents))
        return cls(pipeline)

    def rank(self, text: str, best: int = 3) -> list[Ranked]:
        """The `best` intents for the words, most likely first."""
        margins = self.pipeline.decision_function([text])[0]
        classes = self.pipeline.classes_
        order = margins.argsort()[::-1][:best]
        return [Ranked(str(classes[index]), float(margins[index])) for index in order]

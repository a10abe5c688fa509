"""Keys of the W3C Web Annotation model (https://www.w3.org/TR/annotation-model/) that are also names
in our registry: `exact` (a TextQuoteSelector's quote; also a value qualifier of ours) and `language`
(of a body or resource; also a column of `sources`). They are written here, a vocabulary module like
`contract.vocabulary` (tests/test_registry.py), so that the check for registry names written in src/
stays strict everywhere else."""

EXACT = "exact"
LANGUAGE = "language"

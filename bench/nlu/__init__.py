"""Matchers that measure understanding independently of the simulator's resolver.

`literal` matches samples with slot values word for word, as Bespoken's virtual-alexa does;
`statistical` is a scikit-learn intent classifier trained only on the generated model.
Neither imports skill.simulator: the figures they give are not our own matcher grading itself.
"""

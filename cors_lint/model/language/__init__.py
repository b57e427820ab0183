"""Origin checks as regular languages.

A pattern is read with Python's own regex parser (so the syntax is exactly
``re``'s), turned into an automaton over a small alphabet, and combined with
others (and, or, not) into the set of origins a check accepts. That set is
then intersected with the origins an attacker can obtain: either a concrete
witness comes out, or a proof that none exists.

Modules, in the order the pipeline uses them:

* ``sre`` - Python's regex parser and compiler, for 3.9 to 3.13+.
* ``nfa`` - the parse tree as a Thompson automaton with zero-width assertions;
  ``Unsupported`` for constructs that have no regular equivalent.
* ``dfa`` - determinisation under a state budget (``TooComplex``), boolean
  operations, emptiness and shortest strings.
* ``checks`` - languages of origin checks: flask-cors entries, literal
  comparisons, ``startswith``/``endswith``/substring tests.
* ``obtainable`` - the origins an attacker can obtain (Public Suffix List,
  trusted origins) and the search for witnesses.
"""

"""Safe fixes: text edits a rule attaches to its findings, proven to change only what they mean to.

A rule module may declare ``FIX`` (what its fix does, for ``monitlint rule`` and docs/rules.md)
and ``fix(ctx, diagnostic) -> Fix | None``; :mod:`monitlint.fixes.edits` is what a fix is made
of, :mod:`monitlint.fixes.verify` the proof, :mod:`monitlint.fixes.apply` the ``check --fix`` /
``--diff`` run and :mod:`monitlint.fixes.write` the atomic write.  This package's ``__init__``
imports nothing: rule modules import :mod:`monitlint.fixes.edits` without loading the runner.
"""

"""``monitlint server``: a language server (LSP 3.17 over stdio) over the one engine entry.

Needs the ``server`` extra (pygls and lsprotocol): ``pip install 'monitlint[server]'``.  Modules:
``workspace`` (open documents, configuration, linting through ``lint_unit``), ``positions``
(UTF-16 columns), ``convert`` (findings as LSP diagnostics), ``actions`` (quick-fix providers,
LSP-free) and ``fixes`` (code actions, each verified by re-linting), ``navigation``, ``hover``,
``completion`` and ``features`` (their handlers), ``protocol`` (the pygls glue).
"""

"""Evaluating a role's own expressions (loops, ``when``, destinations) with the same engine as its templates."""

from __future__ import annotations

from typing import Any


class Evaluator:
    """Templates values and evaluates conditions over one set of variables."""

    def __init__(self, variables: dict[str, Any], use_ansible: bool) -> None:
        self.variables = variables
        self.use_ansible = use_ansible
        self._templar: Any = None
        self._env: Any = None
        if use_ansible:
            from ansible.parsing.dataloader import DataLoader
            from ansible.template import Templar

            self._templar = Templar(loader=DataLoader(), variables=variables)
        else:
            import jinja2
            from jinja2.sandbox import ImmutableSandboxedEnvironment

            self._env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)

    def value(self, data: Any) -> Any:
        """``data`` with its templates rendered (strings, and lists and dicts of them)."""
        if self.use_ansible:
            from ansible.template import trust_as_template

            from monitlint.templates.sandbox import guarded

            with guarded():
                return self._templar.template(_trusted(data, trust_as_template))
        return self._plain(data)

    def _plain(self, data: Any) -> Any:
        if isinstance(data, str):
            stripped = data.strip()
            if stripped.startswith("{{") and stripped.endswith("}}") and stripped.count("{{") == 1:
                return self._env.compile_expression(stripped[2:-2])(**self.variables)
            if "{{" in data or "{%" in data:
                return self._env.from_string(data).render(**self.variables)
            return data
        if isinstance(data, list):
            return [self._plain(item) for item in data]
        if isinstance(data, dict):
            return {key: self._plain(value) for key, value in data.items()}
        return data

    def condition(self, expression: Any) -> bool:
        """A ``when`` condition's truth."""
        if isinstance(expression, bool):
            return expression
        if self.use_ansible:
            from ansible.template import trust_as_template

            from monitlint.templates.sandbox import guarded

            with guarded():
                return bool(self._templar.evaluate_conditional(trust_as_template(str(expression))))
        return bool(self._env.compile_expression(str(expression))(**self.variables))


def _trusted(data: Any, trust: Any) -> Any:
    if isinstance(data, str):
        return trust(data)
    if isinstance(data, list):
        return [_trusted(item, trust) for item in data]
    if isinstance(data, dict):
        return {key: _trusted(value, trust) for key, value in data.items()}
    return data

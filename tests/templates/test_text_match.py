"""ERB/EPP line origins by matching rendered lines against the template's lines (no Puppet needed)."""

from __future__ import annotations

from monitlint.templates.text_match import match_any, match_origins

ERB = """\
set daemon <%= @interval %>
<% if @alert != '' -%>
set alert <%= @alert %><% if @except != [] %> not on { <%= @except * ',' %> }<% end %>
<% end -%>
<% @checks.each do |check| -%>
check process <%= check['name'] %> with pidfile <%= check['pid'] %>
  if cpu > 90% then alert
<% end -%>
"""
RENDERED = """\
set daemon 60
set alert ops@example.com
check process a with pidfile /run/a.pid
  if cpu > 90% then alert
check process b with pidfile /run/b.pid
  if cpu > 90% then alert
"""


def test_each_rendered_line_finds_its_template_line_loops_included() -> None:
    origins = match_origins(RENDERED, ERB, "t.erb")
    assert [o.line if o else None for o in origins] == [1, 3, 6, 7, 6, 7]
    assert all(o is not None and o.approximate for o in origins)


def test_among_several_templates_a_line_stays_with_the_template_that_matches_it() -> None:
    header = "check system <%= @name %>\n"
    origins = match_any("check system vm\n  if cpu > 90% then alert\n", {"h.erb": header, "t.erb": ERB})
    assert [(o.path, o.line) for o in origins if o] == [("h.erb", 1), ("t.erb", 7)]

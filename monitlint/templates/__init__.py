"""Templates teams keep: Ansible roles (Jinja2) and Puppet modules (ERB, EPP), rendered and linted.

A stage before scan: :mod:`.projects` finds roles and modules, :mod:`.ansible_role` and
:mod:`.puppet_module` render the templates that produce Monit files with their own engines,
:mod:`.assemble` lays the rendered files out as on a host and lints them through the engine's
one entry, and every finding is moved back to the template line that produced it
(:mod:`.origins`).  Nothing here is imported unless a template project is checked.
"""

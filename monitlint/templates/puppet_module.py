"""Puppet modules: compiled by ``puppet`` itself; each Monit file resource's content linted.

The module is compiled into a catalog (``puppet catalog find --terminus compiler``) with a
manifest declaring it (``--manifest FILE``, default ``include <module>``), in private
``vardir``/``confdir``/``codedir`` folders (the caller's Puppet state is never read or
written), with the module's own Hiera data, ``--template-vars`` files as a global Hiera level,
``--modulepath`` folders for its dependencies, and ``--facts FILE`` merged over the facts Facter
gathers (written as external facts, which override Facter's own).  Each ``File`` resource
with content, and each ``concat`` target (its ``concat_fragment`` contents in the concat
module's order) that is a Monit file, is linted.

Compiling runs the module's Ruby (ERB templates, functions): only with ``--puppet`` or
``MONITLINT_PUPPET=1`` (SECURITY.md).  Lines are mapped back by matching (:mod:`.text_match`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from monitlint.templates.ansible_role import is_monit_dest
from monitlint.templates.origins import LineOrigin, RenderedFile
from monitlint.templates.render_result import RenderFailure
from monitlint.templates.role_render import reads_as_monit
from monitlint.templates.text_match import match_any, match_origins
from monitlint.templates.values import ValuesError, read_mapping

if TYPE_CHECKING:
    from monitlint.templates.run import TemplateOptions

COMPILE_TIMEOUT = 600  # seconds: a generous kill of a hang, never a judgement
MAX_CATALOG_BYTES = 64 * 1024 * 1024
_ERROR_PLACE = re.compile(r"\(file: (?P<file>[^,)]+)(?:, line: (?P<line>\d+))?(?:, column: \d+)?\)")
_TEMPLATE_CALL = re.compile(r"""\b(template|epp)\(\s*['"](?P<name>[\w:/.-]+)['"]""")
NOT_COMPILED = (
    "not compiled: compiling a Puppet module runs its Ruby code (ERB templates, functions); "
    "pass --puppet (or set MONITLINT_PUPPET=1) to compile it (SECURITY.md)"
)


def module_name(module: str) -> str:
    """The module's name as manifests call it: metadata.json's ``name`` after the author, else the folder's."""
    try:
        with open(os.path.join(module, "metadata.json"), encoding="utf-8") as handle:
            name = str(json.load(handle).get("name", ""))
    except (OSError, ValueError, AttributeError):
        name = ""
    name = re.split(r"[-/]", name)[-1] if name else os.path.basename(os.path.abspath(module))
    name = re.sub(r"^puppet[-_]", "", name)
    return name if re.fullmatch(r"[a-z][a-z0-9_]*", name) else "monit"


def render_module(
    module: str, shown: Callable[[str], str], options: TemplateOptions
) -> tuple[list[RenderedFile], list[RenderFailure], list[str]]:
    """The Monit files the module's catalog writes, compile failures at their lines, and notes."""
    if not options.puppet:
        return [], [], [f"{shown(module)}: {NOT_COMPILED}"]
    puppet = shutil.which("puppet")
    if puppet is None:
        return [], [], [f"{shown(module)}: not compiled: `puppet` is not on PATH (Debian: apt-get install puppet)"]
    name = module_name(module)
    work = tempfile.mkdtemp(prefix="monitlint-puppet-")
    try:
        return _compile(module, name, puppet, work, shown, options)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _hiera(work: str, files: list[str]) -> str:
    """A global hiera.yaml whose levels are the ``--template-vars`` files (the last one given wins)."""
    levels = "".join(f'      - "{os.path.abspath(f).lstrip("/")}"\n' for f in reversed(files))
    path = os.path.join(work, "hiera.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(
            "---\nversion: 5\ndefaults:\n  datadir: /\n  data_hash: yaml_data\nhierarchy:\n"
            + ("  - name: template-vars\n    paths:\n" + levels if files else "")
        )
    if not files:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("---\nversion: 5\nhierarchy: []\n")
    return path


def _deep_merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        return {**base, **{k: _deep_merge(base.get(k), v) for k, v in over.items()}}
    return over


def _facts(work: str, facts_file: str, facter: str | None) -> RenderFailure | None:
    """Pin the facts of ``facts_file`` as external facts (they override Facter's), merged into Facter's own."""
    try:
        pinned = read_mapping(facts_file)
    except ValuesError as exc:
        return RenderFailure(facts_file, 0, str(exc))
    gathered: dict[str, Any] = {}
    if facter is not None and any(isinstance(v, dict) for v in pinned.values()):
        try:  # a pinned structured fact (os, mountpoints) keeps the parts it does not name
            proc = subprocess.run(
                [facter, "--json", *sorted(pinned)],
                capture_output=True,
                text=True,
                timeout=COMPILE_TIMEOUT,
                check=False,
            )
            gathered = json.loads(proc.stdout or "{}")
        except (OSError, ValueError, subprocess.TimeoutExpired):
            gathered = {}
    merged = {key: _deep_merge(gathered.get(key), value) for key, value in pinned.items()}
    folder = os.path.join(work, "vardir", "facts.d")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "monitlint-pinned.json"), "w", encoding="utf-8") as handle:
        json.dump(merged, handle)
    return None


def _compile(
    module: str, name: str, puppet: str, work: str, shown: Callable[[str], str], options: TemplateOptions
) -> tuple[list[RenderedFile], list[RenderFailure], list[str]]:
    notes: list[str] = []
    modules = os.path.join(work, "modules")
    os.makedirs(modules)
    os.symlink(os.path.abspath(module), os.path.join(modules, name))
    node = "monitlint-node"
    manifest = options.manifest
    if manifest is None:
        manifest = os.path.join(work, "site.pp")
        with open(manifest, "w", encoding="utf-8") as handle:
            handle.write(f"include {name}\n")
    modulepath = os.pathsep.join([modules, *(os.path.abspath(p) for p in options.modulepath)])
    command = [
        puppet,
        "catalog",
        "find",
        node,
        "--terminus",
        "compiler",
        "--render-as",
        "json",
        "--color",
        "false",
        "--certname",
        node,
        "--modulepath",
        modulepath,
        "--manifest",
        os.path.abspath(manifest),
        "--vardir",
        os.path.join(work, "vardir"),
        "--confdir",
        os.path.join(work, "conf"),
        "--codedir",
        os.path.join(work, "code"),
        "--hiera_config",
        _hiera(work, options.template_vars),
        "--logdest",
        os.path.join(work, "puppet.log"),
    ]
    if options.facts:
        failure = _facts(work, options.facts, shutil.which("facter"))
        if failure is not None:
            return [], [failure], notes
    env = {**os.environ, "HOME": work, "LC_ALL": "C.UTF-8"}
    try:
        proc = subprocess.run(command, capture_output=True, timeout=COMPILE_TIMEOUT, check=False, env=env, cwd=work)
    except subprocess.TimeoutExpired:
        return [], [RenderFailure(shown(module), 0, f"puppet did not compile within {COMPILE_TIMEOUT} s")], notes
    except OSError as exc:
        return [], [RenderFailure(shown(module), 0, f"puppet could not be run: {exc.strerror}")], notes
    out = proc.stdout[:MAX_CATALOG_BYTES].decode("utf-8", "replace")
    start = out.find("{")
    catalog: Any = None
    if start >= 0:
        try:
            catalog = json.loads(out[start:])
        except ValueError:
            catalog = None
    if not isinstance(catalog, dict):
        return [], [_compile_failure(work, module, name, shown, proc.stderr.decode("utf-8", "replace"))], notes
    return _monit_files(catalog, module, name, modules, shown, notes), [], notes


_FILEPATH = re.compile(r"^\s*Filepath: (?P<file>.+?)\s*$", re.MULTILINE)
_LINE = re.compile(r"^\s*Line: (?P<line>\d+)\s*$", re.MULTILINE)
_DETAIL = re.compile(r"^\s*Detail: (?P<detail>.+?)\s*$", re.MULTILINE)


def _compile_failure(work: str, module: str, name: str, shown: Callable[[str], str], stderr: str) -> RenderFailure:
    """Puppet's first error, at the template line (``Filepath:``/``Line:``) or manifest line it names."""
    try:
        with open(os.path.join(work, "puppet.log"), encoding="utf-8", errors="replace") as handle:
            log = handle.read(1 << 20)
    except OSError:
        log = ""
    text_all = log + "\n" + stderr
    lines = text_all.splitlines()
    starts = [
        i for i, line in enumerate(lines) if "Error" in line and "Facter:" not in line and "rb_sysopen" not in line
    ]
    if not starts:
        return RenderFailure(shown(module), 0, "puppet: could not compile the module")
    # The first error with its continuation lines (a template error spans Filepath/Line/Detail lines).
    block_lines = [lines[starts[0]]]
    for line in lines[starts[0] + 1 :]:
        if not line.startswith((" ", "\t")):
            break
        block_lines.append(line)
    block = "\n".join(block_lines)
    head = re.sub(r"^.*?Error: ", "", block_lines[0]).strip()
    linked = os.path.join(work, "modules", name)
    path, line_number = shown(module), 0
    filepath, template_line, detail = _FILEPATH.search(block), _LINE.search(block), _DETAIL.search(block)
    place = _ERROR_PLACE.search(block)
    if filepath is not None and template_line is not None:
        path = _real(filepath.group("file"), linked, module, shown)
        line_number = int(template_line.group("line"))
    elif place is not None:
        path = _real(place.group("file"), linked, module, shown)
        line_number = int(place.group("line") or 0)
    message = head
    if detail is not None:
        message = f"{head.rstrip(':')}: {detail.group('detail')}"
    cut = _ERROR_PLACE.search(message)
    if cut is not None:
        message = message[: cut.start()].rstrip() or message
    hint = None
    if "expects" in message or "Could not find" in message or "Unknown variable" in message:
        hint = "give the value with --template-vars FILE (Hiera keys such as `monit::check_interval: 60`)"
    return RenderFailure(path, line_number, f"puppet: {message}", hint)


def _real(path: str, linked: str, module: str, shown: Callable[[str], str]) -> str:
    """A path puppet reported through our module link, as the module's own path."""
    if path.startswith(linked + os.sep):
        return shown(os.path.join(module, os.path.relpath(path, linked)))
    return shown(path)


def _template_of(resource: dict[str, Any], module: str, name: str, modules: str) -> str | None:
    """The template a resource's declaration names (``template('m/x.erb')`` or ``epp(...)``), if any."""
    source = resource.get("file")
    line = resource.get("line")
    if not isinstance(source, str) or not isinstance(line, int):
        return None
    linked = os.path.join(modules, name)
    if source.startswith(linked + os.sep):
        source = os.path.join(module, os.path.relpath(source, linked))
    try:
        with open(source, encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
    except OSError:
        return None
    window = "".join(lines[line - 1 : line + 30])
    match = _TEMPLATE_CALL.search(window)
    if match is None:
        return None
    owner, _, rest = match.group("name").partition("/")
    if owner == name:
        candidate = os.path.join(module, "templates", rest)
        return candidate if os.path.isfile(candidate) else None
    return None


def module_templates(module: str, shown: Callable[[str], str]) -> dict[str, str]:
    """Every ERB and EPP template of the module, by its shown path (bounded: a module has a few dozen)."""
    found: dict[str, str] = {}
    for folder, dirs, names in os.walk(os.path.join(module, "templates")):
        dirs.sort()
        for name in sorted(names):
            if name.endswith((".erb", ".epp")) and len(found) < 500:
                path = os.path.join(folder, name)
                try:
                    with open(path, encoding="utf-8", errors="replace") as handle:
                        found[shown(path)] = handle.read(1 << 20)
                except OSError:
                    continue
    return found


def _origins(
    content: str, template: str | None, fallback: str, shown: Callable[[str], str], every: dict[str, str]
) -> list[LineOrigin | None]:
    if template is None:
        # A computed template name (`template($template)`): the module's templates, by matching.
        first = LineOrigin(fallback, 1, (), approximate=True)
        return [origin or first for origin in match_any(content, every)]
    try:
        with open(template, encoding="utf-8", errors="replace") as handle:
            source = handle.read()
    except OSError:
        source = ""
    found = match_origins(content, source, shown(template))
    first = LineOrigin(shown(template), 1, (), approximate=True)
    return [origin or first for origin in found]


def _monit_files(
    catalog: dict[str, Any], module: str, name: str, modules: str, shown: Callable[[str], str], notes: list[str]
) -> list[RenderedFile]:
    resources = [r for r in catalog.get("resources", []) if isinstance(r, dict)]
    files: list[RenderedFile] = []
    manifest_of = shown(os.path.join(module, "manifests", "init.pp"))
    every = module_templates(module, shown)
    for resource in resources:
        parameters = resource.get("parameters") or {}
        if resource.get("type") != "File" or not isinstance(parameters.get("content"), str):
            continue
        dest = str(parameters.get("path") or resource.get("title"))
        content = parameters["content"]
        if not dest.startswith("/") or not is_monit_dest(dest) or not reads_as_monit(content):
            notes.append(f"{shown(module)}: file {dest}: skipped: not a Monit file")
            continue
        template = _template_of(resource, module, name, modules)
        where = template or manifest_of
        origins = _origins(content, template, manifest_of, shown, every)
        files.append(RenderedFile(_main_path(origins, shown(where)), dest, content, origins))
    files.extend(_concat_files(resources, module, name, modules, shown, notes, manifest_of, every))
    return files


def _main_path(origins: list[LineOrigin | None], fallback: str) -> str:
    """The template most of a file's lines came from."""
    counts: dict[str, int] = {}
    for origin in origins:
        if origin is not None:
            counts[origin.path] = counts.get(origin.path, 0) + 1
    return max(counts, key=lambda path: counts[path]) if counts else fallback


def _concat_files(
    resources: list[dict[str, Any]],
    module: str,
    name: str,
    modules: str,
    shown: Callable[[str], str],
    notes: list[str],
    manifest_of: str,
    every: dict[str, str],
) -> list[RenderedFile]:
    """Each concat target's content as the concat module assembles it: fragments sorted by ``order``."""
    targets: dict[str, str] = {}
    for resource in resources:
        if resource.get("type") == "Concat_file":
            parameters = resource.get("parameters") or {}
            targets[str(resource.get("title"))] = str(parameters.get("path") or resource.get("title"))
    fragments: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for resource in resources:
        if resource.get("type") != "Concat_fragment":
            continue
        parameters = resource.get("parameters") or {}
        content = parameters.get("content")
        target = str(parameters.get("target", ""))
        if not isinstance(content, str):
            continue
        fragments.setdefault(target, []).append(
            (str(parameters.get("order", "10")), str(resource.get("title")), resource)
        )
    files: list[RenderedFile] = []
    for target, parts in fragments.items():
        dest = targets.get(target, target)
        parts.sort(key=lambda part: (part[0], part[1]))
        text = ""
        origins: list[LineOrigin | None] = []
        main_template: str | None = None
        for _order, _title, resource in parts:
            content = resource["parameters"]["content"]
            template = _template_of(resource, module, name, modules)
            main_template = main_template or template
            piece_origins = _origins(content, template, manifest_of, shown, every)
            if text and not text.endswith("\n"):
                text += "\n"
            text += content
            origins.extend(piece_origins)
        if not dest.startswith("/") or not is_monit_dest(dest) or not reads_as_monit(text):
            notes.append(f"{shown(module)}: concat {dest}: skipped: not a Monit file")
            continue
        shown_template = shown(main_template) if main_template else _main_path(origins, manifest_of)
        files.append(RenderedFile(shown_template, dest, text, origins))
    return files

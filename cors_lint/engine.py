"""The pipeline for one file: read -> find -> evaluate -> model -> rules.

Each file is analysed in isolation: whatever goes wrong in one becomes a
finding for that file and the others are still checked.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Set, Tuple, Union

from cors_lint import files
from cors_lint.find import guard, screen

# Findings, spans and rules are imported where a finding is made: a run over
# files without CORS code never needs them.
if TYPE_CHECKING:
    from cors_lint import budget
    from cors_lint.findings import Finding
    from cors_lint.link.project import Project
    from cors_lint.evaluate.values import Span
    from cors_lint.find.modules import ModuleLoader
    from cors_lint.find.source import SourceIndex
    from cors_lint.model.policy import LinkedRegistrations, Policy
    from cors_lint.model.routes import ApplicationModel, RoutePolicy
    from cors_lint.model.exposures import VersionAssessment
    from cors_lint.model.pinned import PinnedFlaskCors

    # Each registration's routes, by the place of its call.
    RoutesByRegistration = Dict[Span, List[RoutePolicy]]

# A file that never imports flask_cors cannot use it: no need to parse it.
# The substring test is the fast path; the regex confirms an import statement.
CANDIDATE_MARKER = "flask_cors"
CANDIDATE_IMPORT = re.compile(
    r"(?:^|[\s;]|\xef\xbb\xbf|\ufeff)(?:from[ \t\\]+flask_cors\b"
    r"|import[ \t\\]+(?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t\\]*)*flask_cors\b)",
    re.MULTILINE,
)

Source = Union[str, bytes]  # bytes from disk; str from editors and flake8
RECURSION_LIMIT = 6000


HEADER_MARKER = re.compile(screen.ALLOW_ORIGIN, re.IGNORECASE)
HEADER_MARKER_BYTES = screen.ALLOW_ORIGIN.encode()


def is_candidate(source: Source) -> bool:
    """Can this file configure CORS: does it import flask_cors, or write the
    Access-Control-Allow-Origin header by hand (in any letter case)?"""
    # Cheap substring tests first; the regexes run on the few files that pass.
    # lower() and a substring test beat a case-insensitive regex by far.
    if isinstance(source, bytes):
        if CANDIDATE_MARKER.encode() not in source and HEADER_MARKER_BYTES not in source.lower():
            return False
    elif CANDIDATE_MARKER not in source and screen.ALLOW_ORIGIN not in source.lower():
        return False
    text = _text(source)
    return imports_flask_cors(text) or HEADER_MARKER.search(text) is not None


def imports_flask_cors(source: Source) -> bool:
    text = _text(source)
    return CANDIDATE_MARKER in text and CANDIDATE_IMPORT.search(text) is not None


def _text(source: Source) -> str:
    # The markers are ASCII in every encoding Python reads (a BOM stays 3 chars).
    return source.decode("latin-1") if isinstance(source, bytes) else source


def new_loader() -> "ModuleLoader":
    """A loader for the project modules one run imports (each parsed once)."""
    from cors_lint.find.modules import ModuleLoader

    return ModuleLoader()


def policy_of(source: Source, path: str = "", loader: "Optional[ModuleLoader]" = None) -> "Policy":
    """The policy model of one module, as the check builds it: registrations
    of an app the module creates are built in that app's context (raises on
    unparseable input)."""
    from cors_lint.find.source import SourceIndex, parse
    from cors_lint.link.project import Project
    from cors_lint.model.policy import build_policy

    loader = loader or new_loader()
    project = Project(loader)
    module = project.add(SourceIndex(parse(source), path, source), Path(os.path.abspath(path or "<source>")))
    try:
        model = _application_model(project)
    except Exception:  # noqa: BLE001 - a bug in linking must not hide the module's own policy (the check reports it)
        model = None
    linked, conflicts = (model.linked, model.conflicts) if model is not None else ({}, ())
    return build_policy(module.sites, module.evaluator, linked, conflicts)


def lint_source(
    source: Source,
    path: str = "<stdin>",
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    loader: "Optional[ModuleLoader]" = None,
    trusted_origins: Tuple[str, ...] = (),
    flask_cors_version: Optional[str] = None,
) -> List[Finding]:
    """All findings for one file's bytes, sorted, selected by code prefix;
    findings silenced by ``# noqa`` are included, marked ``suppressed_by``.
    Findings about values written in an imported module name that module."""
    from cors_lint.findings import with_routes

    return with_routes(_selected(_analyse(source, path, loader, trusted_origins, flask_cors_version), select, ignore))


def lint_file(path: str, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> List[Finding]:
    """Findings for one file on disk; an unreadable file is a CRS001 finding."""
    try:
        source = files.read(path)
    except OSError as error:
        return unreadable(path, error, select, ignore)
    return lint_source(source, path, select, ignore)


def lint_groups(
    groups: Sequence[Sequence[Tuple[str, bytes]]],
    checked: Sequence[str],
    select: Sequence[str],
    ignore: Sequence[str],
    reported: Optional[Sequence[str]] = None,
    trusted_origins: Tuple[str, ...] = (),
    flask_cors_version: Optional[str] = None,
) -> List[Finding]:
    """Groups of modules connected by imports: the unit of parallel work.
    Findings come from the ``checked`` files' policies; with ``reported``,
    only those for these files are kept. The groups share one module loader,
    so a settings module several apps import is parsed once; each group's
    own files are dropped from it when the group is done (no other group
    imports them), or every parsed tree of the run would stay alive and
    Python's garbage collector would walk them over and over."""
    loader = new_loader() if groups else None
    wanted = set(checked)
    kept = set(reported) if reported is not None else None
    findings: List[Finding] = []
    pins = PinnedVersions(flask_cors_version)
    for group in groups:
        found = _analyse_group(group, wanted, loader, kept, trusted_origins, pins)  # type: ignore[arg-type]
        loader.forget_adopted()  # type: ignore[union-attr]
        findings.extend(_selected(found, select, ignore))
    return findings


def lint_group(
    group: Sequence[Tuple[str, bytes]],
    checked: Sequence[str],
    select: Sequence[str],
    ignore: Sequence[str],
    reported: Optional[Sequence[str]] = None,
    trusted_origins: Tuple[str, ...] = (),
    flask_cors_version: Optional[str] = None,
) -> List[Finding]:
    """One group (an app and its modules, or a lone file): the unit of
    bounded work (``cors_lint.budget``)."""
    return lint_groups([group], checked, select, ignore, reported, trusted_origins, flask_cors_version)


def prepare_workers() -> None:
    """Imports every worker needs, made once before they are forked. Not
    libcst: a run whose candidates only mention the header never loads it."""
    import cors_lint.noqa  # noqa: F401
    import cors_lint.rules  # noqa: F401


def overrun(
    group: Sequence[Tuple[str, bytes]],
    what: "budget.Overrun",
    checked: Sequence[str],
    select: Sequence[str],
    ignore: Sequence[str],
    reported: Optional[Sequence[str]] = None,
) -> List[Finding]:
    """The findings for a group the time budget stopped (CRS003) or whose
    worker process died (CRS002): one for each of its files being checked."""
    from cors_lint.rules.parse import ANALYSIS_TIMEOUT, FILE_START, INTERNAL_ERROR

    paths = [path for path, _ in group if path in checked and (reported is None or path in reported)]
    many = len(group) > 1
    if what.kind == "timeout":
        analysed = " (with the other modules of its app)" if many else ""
        finding = ANALYSIS_TIMEOUT.finding(
            FILE_START,
            f"The analysis ran out of its time budget ({what.seconds:g} s) while {what.step}{analysed}, "
            "so this file was not checked.",
        )
    else:
        finding = INTERNAL_ERROR.finding(
            FILE_START, "The process analysing this file died, so this file was not checked; please report this."
        )
    return _selected([dataclasses.replace(finding, path=path) for path in paths], select, ignore)


def unreadable(path: str, error: OSError, select: Sequence[str], ignore: Sequence[str]) -> List[Finding]:
    from cors_lint.rules.parse import FILE_START, UNPARSEABLE

    finding = UNPARSEABLE.finding(FILE_START, f"cannot read the file, not checked: {error.strerror or error}")
    return _selected([dataclasses.replace(finding, path=path)], select, ignore)


def _selected(findings: List[Finding], select: Sequence[str], ignore: Sequence[str]) -> List[Finding]:
    if not findings:
        return []
    from cors_lint.rules import is_reported

    return [finding for finding in findings if is_reported(finding.code, select, ignore)]


def _placed(finding: Finding, path: str) -> Finding:
    """Reported in the file where the offending value is written; its
    related locations say which registration uses it."""
    return dataclasses.replace(finding, path=finding.where.path or path)


def _analyse(
    source: Source,
    path: str,
    loader: "Optional[ModuleLoader]",
    trusted_origins: Tuple[str, ...] = (),
    flask_cors_version: Optional[str] = None,
) -> List[Finding]:
    pins = PinnedVersions(flask_cors_version)
    return _analyse_group([(path, source)], {path}, loader or new_loader(), None, trusted_origins, pins)


class PinnedVersions:
    """The flask-cors releases each project allows, read once per run (per
    worker): the override, or the requirement files of the project around
    a group's first module."""

    def __init__(self, override: Optional[str] = None) -> None:
        self.override = override
        self._by_directory: Dict[str, object] = {}

    def for_module(self, path: str) -> "Optional[PinnedFlaskCors]":
        """None when the project's packaging files never mention flask-cors:
        the newest release is assumed, and nothing about versions is loaded."""
        if self.override:
            from cors_lint.model.pinned import choose

            return choose((), self.override, "the flask-cors-version setting")
        directory = os.path.dirname(os.path.abspath(path or "<source>"))
        if directory not in self._by_directory:
            self._by_directory[directory] = self._read(Path(directory))
        return self._by_directory[directory]  # type: ignore[return-value]

    @staticmethod
    def _read(directory: Path) -> "Optional[PinnedFlaskCors]":
        from cors_lint.find.modules import project_root
        from cors_lint.link.packaging_files import may_declare_flask_cors, nearest_packaging_files

        root = project_root(directory / "_")
        if not may_declare_flask_cors(nearest_packaging_files(directory, root)):
            return None
        from cors_lint.link.requirements import find_requirements
        from cors_lint.model.pinned import choose

        return choose(find_requirements(directory, root))


@dataclass(frozen=True)
class _Parsed:
    path: str
    index: "SourceIndex"
    checked: bool  # a file whose findings are wanted (it configures CORS), not only context


def _parse_member(source: Source, path: str, checked: bool, alone: bool) -> "Tuple[Optional[_Parsed], List[Finding]]":
    """One module of a group, parsed: a file that configures CORS gets a
    CRS001 finding when it cannot be parsed; a module that only gives
    context (routes, a factory) is left out of the links then."""
    verdict = guard.parse(source)
    top_level_lines = None
    if verdict.tree is not None:
        kept = None
        if alone:
            # A long module loses the statements that cannot matter (lines
            # blanked); only a lone one, since another module of a group may
            # import any of its names.
            sliced = guard.slice_module(verdict.tree, source)
            source, top_level_lines, kept = sliced.source, sliced.top_level_lines, sliced.kept
        else:
            top_level_lines = guard.top_level_lines(verdict.tree)
        # CPython's tree is freed here, before libcst builds its own.
        verdict = dataclasses.replace(verdict, refusal=guard.too_complex(verdict.tree, kept), tree=None)
    if verdict.refusal is not None:
        return None, [_unparseable(verdict.refusal)] if checked else []
    import libcst as cst

    from cors_lint.evaluate.values import Span
    from cors_lint.find.source import SourceIndex, parse
    from cors_lint.rules.parse import FILE_START, UNPARSEABLE

    try:
        return _Parsed(path, SourceIndex(parse(source), path, source, top_level_lines), checked), []
    except cst.ParserSyntaxError as error:
        if not checked:
            return None, []
        if verdict.python_error is not None:
            return None, [_unparseable(verdict.python_error)]
        where = Span(error.raw_line, error.raw_column + 1, error.raw_line, error.raw_column + 1)
        return None, [UNPARSEABLE.finding(where, "syntax that libcst cannot parse yet, file not checked")]
    except (UnicodeDecodeError, LookupError, SyntaxError) as error:
        return None, [UNPARSEABLE.finding(FILE_START, f"cannot decode the file, not checked: {error}")] if checked else []
    except RecursionError:
        return None, [UNPARSEABLE.finding(FILE_START, "nesting too deep to parse, file not checked")] if checked else []
    except Exception as error:  # noqa: BLE001 - one file's bug must not hide the others' findings
        return None, [_internal_error(error)] if checked else []


def needs_analysis(source: Source) -> bool:
    """Does this file configure CORS: import flask_cors, or write the header
    (not merely name it)? Reads CPython's tree only for header-only files."""
    if not is_candidate(source):
        return False
    if imports_flask_cors(source):
        return True
    verdict = guard.parse(source)
    return verdict.tree is None or screen.may_write_allow_origin(verdict.tree)


def _analyse_group(
    group: Sequence[Tuple[str, Source]],
    checked: "Set[str]",
    loader: "ModuleLoader",
    reported: "Optional[Set[str]]" = None,
    trusted_origins: Tuple[str, ...] = (),
    pins: "Optional[PinnedVersions]" = None,
) -> List[Finding]:
    """Modules connected by imports (an app and its modules), analysed
    together: each registration is built in the context of its app. Findings
    come from the ``checked`` modules' policies, placed in the module that
    writes the offending value. With ``reported`` (a run on single files),
    only findings placed in those files or found for them are kept."""
    findings: List[Finding] = []
    parsed: List[_Parsed] = []
    for path, source in group:
        is_checked = path in checked
        if is_checked and not needs_analysis(source):
            is_checked = False
        if not is_checked and len(group) == 1:
            return []
        member, problems = _parse_member(source, path, is_checked, len(group) == 1)
        findings.extend(dataclasses.replace(problem, path=path) for problem in problems)
        if member is not None:
            parsed.append(member)
    if not any(member.checked for member in parsed):
        return findings
    # A value may be followed through hundreds of modules (a chain of settings
    # imports), a few Python frames each; the hop limits keep it finite.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    from cors_lint.link.project import Project
    from cors_lint.model.policy import build_policy

    project = Project(loader)
    modules = [project.add(member.index, Path(os.path.abspath(member.path))) for member in parsed]
    try:
        model = _application_model(project)
    except Exception as error:  # noqa: BLE001 - a bug in linking must not hide the files' own findings
        model = None
        findings.extend(dataclasses.replace(_internal_error(error), path=member.path) for member in parsed if member.checked)
    linked, conflicts = (model.linked, model.conflicts) if model is not None else ({}, ())
    routes = _routes_by_registration(model)
    try:
        versions = _assess_versions(model, (pins or PinnedVersions()).for_module(parsed[0].path))
    except Exception as error:  # noqa: BLE001 - the other rules still run; the failure is reported
        versions = None
        findings.extend(dataclasses.replace(_internal_error(error), path=member.path) for member in parsed if member.checked)
    for member, module in zip(parsed, modules):
        # A module that does not import flask_cors may still hold a registration
        # (``cors.init_app(app)`` with ``cors`` from extensions.py).
        if not member.checked and not _holds_registration(module, linked):
            continue
        try:
            policy = build_policy(module.sites, module.evaluator, linked, conflicts)
            if trusted_origins:
                policy = dataclasses.replace(policy, trusted_origins=trusted_origins)
            if model is not None:
                policy = dataclasses.replace(policy, route_paths=_route_paths(routes))
            if versions is not None:
                policy = dataclasses.replace(policy, flask_cors=versions)
            found = _apply_noqa(_in_context(check_policy(policy), policy, member.path, routes), member.index, loader)
            found = _render_fixes(found, member, loader)
        except Exception as error:  # noqa: BLE001 - one file's bug must not hide the others' findings
            found = [_internal_error(error)]
        placed = [_placed(finding, member.path) for finding in found]
        if reported is not None and member.path not in reported:
            placed = [finding for finding in placed if finding.path in reported]
        findings.extend(placed)
    return findings


def _assess_versions(
    model: "Optional[ApplicationModel]", pinned: "Optional[PinnedFlaskCors]"
) -> "Optional[VersionAssessment]":
    """Which advisories of the flask-cors releases the project allows its
    apps make reachable; None (nothing to do) when no allowed release has
    one, or when no requirement was found (the newest release)."""
    if pinned is None:
        return None
    from cors_lint.model.advisories import ADVISORIES

    if not any(advisory.affects(version) for advisory in ADVISORIES for version in pinned.versions):
        return None
    from cors_lint.model.exposures import assess

    return assess(model, pinned)


def _routes_by_registration(model: "Optional[ApplicationModel]") -> "RoutesByRegistration":
    """Each registration's routes: those it answers for (at their sample path
    or at another path their rule serves)."""
    found: "RoutesByRegistration" = {}
    for app in model.apps if model is not None else ():
        for route in app.routes:
            answering = [route.registration] + [other.registration for other in route.other_paths]
            for where in dict.fromkeys(registration.where for registration in answering if registration is not None):
                found.setdefault(where, []).append(route)
    return found


def _route_paths(routes: "RoutesByRegistration") -> "Tuple[Tuple[Span, Tuple[Optional[str], ...]], ...]":
    """The request paths each registration answers."""
    paths = []
    for where, answered in routes.items():
        served: List[Optional[str]] = []
        for route in answered:
            if route.registration is not None and route.registration.where == where:
                served.append(route.path)
            served += [other.path for other in route.other_paths if other.registration is not None and other.registration.where == where]
        paths.append((where, tuple(served)))
    return tuple(paths)


def _holds_registration(module, linked: "LinkedRegistrations") -> bool:
    sites = module.sites
    return any(site.where in linked for site in (*sites.foreign_init_apps, *sites.init_apps, *sites.extensions))


def _application_model(project: "Project") -> "Optional[ApplicationModel]":
    """The application model of the group's apps: registrations built in
    their app's context, by their call. Too deep a maze of names leaves each
    file to its own reading (as if the modules were not linked)."""
    from cors_lint.link.apps import Linker
    from cors_lint.model.application import build_application_model

    try:
        linker = Linker(project)
        return build_application_model(linker, linker.link())
    except RecursionError:
        return None


def _apply_noqa(findings: List[Finding], index: "SourceIndex", loader: "ModuleLoader") -> List[Finding]:
    """A finding is silenced by the comments of the file it is reported in
    (an imported settings module's own ``# noqa`` for its values)."""
    from cors_lint.noqa import noqa_comments, suppressing_comment

    silenced = []
    read: dict = {}  # path -> that module's comments, read once
    for finding in findings:
        module = index if finding.where.path in ("", index.path) else loader.by_path(finding.where.path)
        if module is not None and module.path not in read:
            read[module.path] = noqa_comments(module.text)
        comments = read[module.path] if module is not None else {}
        if comments:
            statements = module.statement_lines()
            finding = dataclasses.replace(
                finding, suppressed_by=suppressing_comment(finding.code, finding.where.line, statements, comments)
            )
        silenced.append(finding)
    return silenced


def _render_fixes(findings: List[Finding], member: "_Parsed", loader: "ModuleLoader") -> List[Finding]:
    """Each proposed fix with its strings written as source text, in the
    style of the literals they replace (``cors_lint.fixes.render``). A fix
    that cannot be written faithfully is dropped: the finding stays."""
    if not any(finding.fix is not None for finding in findings):
        return findings
    from cors_lint.fixes import render

    texts: Dict[str, Optional[str]] = {}

    def text_of(path: str) -> Optional[str]:
        if path not in texts:
            module = member.index if path == member.path else loader.by_path(path)
            texts[path] = module.text if module is not None else None
        return texts[path]

    rendered = []
    for finding in findings:
        if finding.fix is not None:
            finding = dataclasses.replace(finding, fix=render(finding.fix, finding.where.path or member.path, text_of))
        rendered.append(finding)
    return rendered


def _in_context(findings: List[Finding], policy: "Policy", path: str, routes: "RoutesByRegistration") -> List[Finding]:
    """Each finding with the registrations that use its value and a few of
    the routes it exposes (its related locations), how many routes those
    are, and the condition it holds under when the registrations stand in
    one arm of an ``if``/``else``."""
    if not findings or not policy.registrations:
        return findings
    from cors_lint.evaluate.values import walk
    from cors_lint.find.branches import condition
    from cors_lint.findings import Related, before_full_stop
    from cors_lint.model.routes import scope_for

    def places(settings, where, resource=None) -> set:
        """Where the values of a registration (or of one resource scope) are written."""
        spans = {where}
        for setting in settings:
            if setting.is_default:
                continue  # flask-cors's defaults are written nowhere: they stand at the registration
            if resource is not None and setting.name == "resources":
                continue  # a scope's own pattern stands for its resource, not every pattern
            spans.add(setting.where)
            spans.update(value.where for value in walk(setting.value))
        if resource is not None:
            spans.update(value.where for value in walk(resource))
        return spans

    placed = [(registration, places(registration.settings, registration.where)) for registration in policy.registrations]
    scope_places: Dict[int, set] = {}  # by id of a scope: routes share scopes

    def in_scope(route, where, user) -> bool:
        """Does ``user`` answer ``route`` with a scope whose values include
        ``where``? ``user`` is the route's registration, or the same call
        under another named config (an alternative of the route)."""
        # Equal registrations of two worlds are kept once in the links: equality, not identity.
        if user is route.registration or user == route.registration:
            scope = route.deciding
        elif any(alternative.registration is user or alternative.registration == user for alternative in route.alternatives):
            scope, why = scope_for(user, route.path)
            if scope is None:
                return why is not None  # resources that are not known may cover it
        else:
            return False
        if scope is None:
            return True
        key = id(scope)
        if key not in scope_places:
            scope_places[key] = places(scope.settings, user.where, scope.resource)
        return where in scope_places[key]

    def first_other_path(route, where, user) -> list:
        """The first other path of the route that ``user`` answers with a
        scope whose values include ``where`` (a route counts once)."""
        for other in route.other_paths:
            if other.scope is None or not (other.registration is user or other.registration == user):
                continue
            key = id(other.scope)
            if key not in scope_places:
                scope_places[key] = places(other.scope.settings, user.where, other.scope.resource)
            if where in scope_places[key]:
                return [other]
        return []

    marked = []
    for finding in findings:
        users = [registration for registration, spans in placed if finding.where in spans]
        exposed = sorted(
            {
                (route.example, route.where)
                for user in users
                for route in routes.get(user.where, ())
                if in_scope(route, finding.where, user)
            }
            | {
                # Another path a route's rule serves, answered by this registration.
                (route.other_example(other), route.where)
                for user in users
                for route in routes.get(user.where, ())
                for other in first_other_path(route, finding.where, user)
            }
        )
        message = finding.message
        conditions = {condition(registration.branch) for registration in users}
        if users and len(conditions) == 1 and "" not in conditions:
            message = before_full_stop(message, f" ({conditions.pop()})")
        related = {
            Related(user.where.path or path, user.where.line, user.where.column, f"used by {user.label}")
            for user in users
            if user.where != finding.where
        }
        exposes = tuple(Related(where.path or path, where.line, where.column, f"exposes {example}") for example, where in exposed)
        # A finding that names its own related places and routes (the advisory
        # rules: the requirement, the routes with a witness) keeps them.
        related.update(finding.related)
        exposes = finding.exposes or exposes
        marked.append(dataclasses.replace(finding, message=message, related=tuple(sorted(related)), exposes=exposes))
    return marked


def check_policy(policy: "Policy") -> List[Finding]:
    """Every rule's findings on one module's policy, deduplicated and sorted."""
    from cors_lint.findings import deduplicate
    from cors_lint.rules import ALL_RULES

    return deduplicate(finding for rule in ALL_RULES if rule.check for finding in rule.check(policy))


def _unparseable(refusal: guard.Refusal) -> Finding:
    from cors_lint.evaluate.values import Span
    from cors_lint.rules.parse import UNPARSEABLE

    where = Span(refusal.line, refusal.column, refusal.line, refusal.column)
    return UNPARSEABLE.finding(where, refusal.message)


def _internal_error(error: Exception) -> Finding:
    from cors_lint.rules.parse import FILE_START, INTERNAL_ERROR

    return INTERNAL_ERROR.finding(
        FILE_START,
        f"internal error ({type(error).__name__}: {error}); the file was not fully checked, please report this",
    )

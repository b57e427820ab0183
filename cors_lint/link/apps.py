"""The application linker: which Flask apps the project creates, and, for each,
everything that happens to it across modules.

Every site the finder reported (a config write, ``CORS(app)``,
``cors.init_app(app)``, a route, ``register_blueprint``, an ``after_request``
hook) names its target by an expression; the project resolves it to the
object it is, through imports and through the calls that hand the app to
helper functions. An event's *placement* says where it happens in the flow
that starts at the app's creation: events of that flow are ordered (the
factory's statements, the helpers it calls at their call sites), events
elsewhere are not.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from cors_lint.evaluate.values import Known, Sequence as SequenceValue, Span, Unknown, Value
from cors_lint.find.branches import Branch
from cors_lint.find.flask_sites import BindSite, BlueprintRegistration, Creation, HookSite, RouteSite
from cors_lint.find.sites import ConfigWrite, DecoratorCall, ExtensionCall, ForeignInitAppCall, InitAppCall
from cors_lint.find.visitor import argument
from cors_lint.link.project import MAX_HOPS, FunctionRef, Module, ObjectRef, ParamRef, Project, argument_for

# Apps and blueprints nest at most this deep (a blueprint registered on itself
# through a cycle would otherwise never end).
MAX_NESTING = 16


@dataclass(frozen=True)
class Placement:
    """Where an event happens: the flow it belongs to (module and function),
    its position in that flow (the call sites leading to it, then its own
    place) and the if/else arms around it along the way."""

    home: Tuple[str, str]
    key: Tuple[Span, ...]
    branch: Branch = ()

    def before(self, other: "Placement") -> Optional[bool]:
        """Does this happen before ``other``? None when the two flows differ."""
        if self.home != other.home:
            return None
        return self.key < other.key


@dataclass(frozen=True, eq=False)
class Event:
    module: Module
    site: object  # a finder site
    placement: Placement


@dataclass(frozen=True, eq=False)
class Mount:
    """A blueprint as an app sees it: the registrations from the app down."""

    blueprint: ObjectRef
    module: Module
    name: Optional[str]  # the endpoint prefix ("api", or "parent.child" when nested)
    url_prefix: Union[str, None, Unknown]
    chain: Tuple[ObjectRef, ...]  # outermost blueprint first, this one last
    placement: Placement


@dataclass(frozen=True, eq=False)
class RouteLink:
    """One route of an app."""

    rule: Union[str, Unknown]
    endpoint: Union[str, Unknown]
    methods: Union[Tuple[str, ...], Unknown]
    module: Module
    site: RouteSite
    mount: Optional[Mount]  # None for a route declared on the app itself
    decorators: Tuple[DecoratorCall, ...]  # ``@cross_origin`` on the view
    # A Flask-RESTful resource: the module its class is defined in (where the
    # decorators on its methods are), when that is not ``module``; decorators
    # then apply to the method they decorate only (``def get``: GET).
    view_module: Optional[Module] = None
    # OPTIONS is among the methods the route lists (or its view class
    # defines): Flask then leaves preflights to the view.
    options_listed: bool = False

    @property
    def blueprints(self) -> Tuple[ObjectRef, ...]:
        return self.mount.chain if self.mount is not None else ()


@dataclass(frozen=True, eq=False)
class AppLink:
    ref: ObjectRef
    module: Module
    creation: Creation
    label: str  # "pkg/__init__.py:create_app" or "app.py:app"
    config: Tuple[Event, ...]  # config writes, ConfigWrite sites
    registrations: Tuple[Event, ...]  # CORS()/init_app on the app or on its blueprints
    mounts: Tuple[Mount, ...]
    routes: Tuple[RouteLink, ...]
    hooks: Tuple[Event, ...]  # after_request functions of the app and its blueprints
    # Flask's static route, ``/static/<path:filename>`` by default; None when
    # the app has no static folder.
    static_rule: Union[str, Unknown, None] = None


@dataclass
class _Index:
    """Events by the object they act on."""

    events: Dict[ObjectRef, List[Event]] = field(default_factory=dict)

    def add(self, ref: ObjectRef, event: Event) -> None:
        self.events.setdefault(ref, []).append(event)

    def of(self, ref: ObjectRef, kind: type) -> List[Event]:
        return [event for event in self.events.get(ref, ()) if isinstance(event.site, kind)]


class Linker:
    def __init__(self, project: Project) -> None:
        self.project = project
        self._index = _Index()
        self._imported: Optional[Set[Path]] = None  # files some module of the project imports
        self._apis: Optional[Dict[ObjectRef, List[Tuple[ObjectRef, Module, Creation]]]] = None  # by the app or blueprint they are bound to
        self._linked: List[Module] = []  # the modules being linked (resolving names parses more)

    def link(self) -> List[AppLink]:
        modules = self.project.modules()
        self._linked = modules
        for module in modules:
            self._collect(module)
        apps = []
        for module in modules:
            for creation in module.flask.creations:
                if self.project.kind_of(module, creation) == "app":
                    ref = ObjectRef(module.path, creation.scope, creation.name, "app")
                    apps.append(self._app(ref, module, creation))
        return apps

    # Events ------------------------------------------------------------------------------
    def _collect(self, module: Module) -> None:
        sites = module.sites
        for write in sites.config_writes:
            self._place_text(module, write.scope, write.app, write, write.happens_at, ())
        for extension in sites.extensions:
            if extension.app is not None:
                self._place_text(module, extension.scope, extension.app, extension, extension.where, extension.branch)
        for init_app in sites.init_apps:
            self._place_text(module, init_app.scope, init_app.app, init_app, init_app.where, init_app.branch)
        for foreign in sites.foreign_init_apps:
            self._place_text(module, foreign.scope, foreign.app, foreign, foreign.where, foreign.branch)
        flask = module.flask
        for route in flask.routes:
            self._place(module, route.scope, route.target, route, route.where, route.branch)
        for registration in flask.blueprint_registrations:
            self._place(module, registration.scope, registration.target, registration, registration.where, registration.branch)
        for hook in flask.hooks:
            self._place(module, hook.scope, hook.target, hook, hook.where, hook.branch)
        for bind in flask.binds:
            self._place(module, bind.scope, bind.target, bind, bind.where, bind.branch)

    def _place_text(self, module: Module, scope: str, text: Optional[str], site: object, where: Span, branch: Branch) -> None:
        refs = self.project.resolve_text(module, scope, text)
        for ref, placement in self._expand(module, scope, refs, where, branch, 0):
            self._index.add(ref, Event(module, site, placement))

    def _place(self, module: Module, scope: str, target: cst.BaseExpression, site: object, where: Span, branch: Branch) -> None:
        refs = self.project.resolve(module, scope, target)
        for ref, placement in self._expand(module, scope, refs, where, branch, 0):
            self._index.add(ref, Event(module, site, placement))

    def targets(self, module: Module, scope: str, expression: cst.BaseExpression, where: Span, branch: Branch) -> List[Tuple[ObjectRef, Placement]]:
        return self._expand(module, scope, self.project.resolve(module, scope, expression), where, branch, 0)

    def _expand(self, module: Module, scope: str, refs, where: Span, branch: Branch, depth: int) -> List[Tuple[ObjectRef, Placement]]:
        """Objects for the resolved names; a parameter stands for what each
        caller passes, placed at the call."""
        found: List[Tuple[ObjectRef, Placement]] = []
        if depth > MAX_HOPS // 4:
            return found
        for ref in refs:
            if isinstance(ref, ObjectRef):
                found.append((ref, Placement((module.path, scope), (where,), branch)))
            elif isinstance(ref, ParamRef):
                parameters = module.index.parameters(ref.function) or []
                for caller, call in self.project.calls_to(FunctionRef(ref.path, ref.function)):
                    argument = argument_for(call.args, parameters, ref.name)
                    if argument is None:
                        continue
                    passed = self.project.resolve(caller, call.scope, argument)
                    for obj, placement in self._expand(caller, call.scope, passed, call.where, call.branch, depth + 1):
                        found.append((obj, Placement(placement.home, placement.key + (where,), placement.branch + branch)))
        return found

    # Apps --------------------------------------------------------------------------------
    def _app(self, ref: ObjectRef, module: Module, creation: Creation) -> AppLink:
        mounts = self._mounts(ref, None, (), 0)
        owners = [ref] + [mount.blueprint for mount in mounts]
        routes = [self._route(event, None) for event in self._index.of(ref, RouteSite) if self._runs(event, ref)]
        for mount in mounts:
            routes.extend(
                self._route(event, mount) for event in self._index.of(mount.blueprint, RouteSite) if self._runs(event, mount.blueprint)
            )
        for owner, mount in [(ref, None)] + [(mount.blueprint, mount) for mount in mounts]:
            for api, api_module, api_creation in self._apis_bound_to(owner):
                routes.extend(
                    self._route(event, mount, (api_module, api_creation))
                    for event in self._index.of(api, RouteSite)
                    if self._runs(event, api)
                )
        registrations = [
            event
            for owner in owners
            for event in self._index.events.get(owner, ())
            if isinstance(event.site, (ExtensionCall, InitAppCall, ForeignInitAppCall))
        ]
        hooks = [event for owner in owners for event in self._index.of(owner, HookSite)]
        label = f"{module.path}:{creation.scope or creation.name}"
        return AppLink(
            ref,
            module,
            creation,
            label,
            tuple(sorted(self._index.of(ref, ConfigWrite), key=_event_order)),
            tuple(sorted(registrations, key=_event_order)),
            tuple(mounts),
            tuple(routes),
            tuple(sorted(hooks, key=_event_order)),
            static_rule=_static_rule(module, creation),
        )

    def _apis_bound_to(self, owner: ObjectRef) -> List[Tuple[ObjectRef, Module, Creation]]:
        """Flask-RESTful Apis made on ``owner`` (``Api(app)``) or bound to it
        later (``api.init_app(app)``)."""
        if self._apis is None:
            self._apis = {}
            # The modules being linked, whose creations' kinds link() knows:
            # the project's other modules (parsed while names were resolved)
            # would each have their classes followed, for nothing.
            for module in self._linked:
                for creation in module.flask.creations:
                    if self.project.kind_of(module, creation) != "restful":
                        continue
                    api = ObjectRef(module.path, creation.scope, creation.name, "restful")
                    bound = []
                    given = _argument(creation, 0, "app")
                    if given is not None:
                        bound += self.targets(module, creation.scope, given, creation.where, creation.branch)
                    for event in self._index.of(api, BindSite):
                        site: BindSite = event.site  # type: ignore[assignment]
                        bound += self.targets(event.module, site.scope, site.app, site.where, site.branch)
                    for target, _ in bound:
                        entry = (api, module, creation)
                        if entry not in self._apis.setdefault(target, []):
                            self._apis[target].append(entry)
        return self._apis.get(owner, [])

    def _runs(self, event: Event, owner: ObjectRef) -> bool:
        """A route declared in another module than its app or blueprint exists
        only if something imports that module (Flask never sees the others)."""
        if event.module.path == owner.path:
            return True
        if self._imported is None:
            self._imported = self._imported_files()
        return event.module.file in self._imported

    def _imported_files(self) -> Set[Path]:
        from cors_lint.link.components import imported_names

        found: Set[Path] = set()
        for module in self.project.modules():
            for name in set(imported_names(module.index.text.encode("utf-8", "replace"))):
                located = self.project.loader.locate(str(module.file), name)
                if located is not None:
                    found.add(Path(os.path.abspath(located)))
        return found

    def events_of(self, ref: ObjectRef) -> List[Event]:
        """Everything that acts on one object (app or blueprint)."""
        return self._index.events.get(ref, [])

    def cors_constructor(self, event: Event) -> Optional[Tuple[Module, ExtensionCall]]:
        """The ``CORS()`` call behind ``cors.init_app(app)`` when ``cors`` is
        imported from another module."""
        site = event.site
        if not isinstance(site, ForeignInitAppCall):
            return None
        for ref in self.project.resolve(event.module, site.scope, site.receiver):
            module = self.project.by_path(ref.path) if isinstance(ref, ObjectRef) and ref.kind == "cors" else None
            creation = _creation_of(module, ref) if module is not None else None  # type: ignore[arg-type]
            if module is None or creation is None:
                continue
            for extension in module.sites.extensions:
                if extension.where == creation.where:
                    return module, extension
            # An instance of a CORS subclass: its constructor's arguments are the options.
            arguments = tuple(argument(module.index, arg) for arg in creation.call.args if arg.keyword is not None or arg.star)
            return module, ExtensionCall(creation.where, None, arguments, creation.scope)
        return None

    def _mounts(self, owner: ObjectRef, parent: Optional[Mount], chain: Tuple[ObjectRef, ...], depth: int) -> List[Mount]:
        if depth > MAX_NESTING:
            return []
        mounts: List[Mount] = []
        for event in sorted(self._index.of(owner, BlueprintRegistration), key=_event_order):
            site: BlueprintRegistration = event.site  # type: ignore[assignment]
            for child, _ in self.targets(event.module, site.scope, site.blueprint, site.where, site.branch):
                if child.kind != "blueprint" or child in chain:
                    continue
                child_module = self.project.by_path(child.path)
                if child_module is None:
                    continue
                blueprint = _creation_of(child_module, child)
                own_prefix = _text(event.module, site.url_prefix) if site.url_prefix is not None else _text(
                    child_module, _argument(blueprint, 99, "url_prefix")
                )
                name = _text(event.module, site.name) if site.name is not None else _text(child_module, _argument(blueprint, 0, "name"))
                prefix = _join_prefix(parent.url_prefix if parent else None, own_prefix)
                full_name: Optional[str]
                if isinstance(name, str):
                    full_name = f"{parent.name}.{name}" if parent is not None and parent.name else name
                else:
                    full_name = None
                mount = Mount(child, child_module, full_name, prefix, chain + (child,), event.placement)
                mounts.append(mount)
                mounts.extend(self._mounts(child, mount, chain + (child,), depth + 1))
        return mounts

    def _route(self, event: Event, mount: Optional[Mount], api: Optional[Tuple[Module, Creation]] = None) -> RouteLink:
        site: RouteSite = event.site  # type: ignore[assignment]
        module = event.module
        rule = _text(module, site.rule) if site.rule is not None else Unknown("the rule is not given", site.where)
        if api is not None:
            return self._resource_route(site, module, mount, rule, api)
        if mount is not None and isinstance(rule, str):
            prefix = mount.url_prefix
            if isinstance(prefix, Unknown):
                rule = prefix
            elif prefix is not None:
                rule = "/".join((prefix.rstrip("/"), rule.lstrip("/"))) if rule else prefix
        endpoint = _endpoint(module, site)
        if mount is not None and isinstance(endpoint, str):
            endpoint = f"{mount.name}.{endpoint}" if mount.name else Unknown("the blueprint's name is not known", site.where)
        decorators = tuple(
            decorator
            for decorator in module.sites.decorators
            if site.view is not None and decorator.view == site.view and decorator.scope == site.view_scope
        )
        listed = _listed_methods(self.project, module, site)
        methods = listed if isinstance(listed, Unknown) else _with_implied(listed)
        options = not isinstance(listed, Unknown) and "OPTIONS" in listed
        return RouteLink(rule, endpoint, methods, module, site, mount, decorators, options_listed=options)


    def _resource_route(
        self, site: RouteSite, module: Module, mount: Optional[Mount], url: Union[str, None, Unknown], api: Tuple[Module, Creation]
    ) -> RouteLink:
        """A Flask-RESTful route: Flask-RESTful joins the blueprint's prefix,
        the Api's ``prefix`` and the URL as they are written (no slashes
        added or removed); the endpoint is ``endpoint=`` or the class's name
        in lower case, after the blueprint's name."""
        api_module, creation = api
        prefix = _text(api_module, _argument(creation, 1, "prefix"))
        parts = [mount.url_prefix if mount is not None else None, prefix, url]
        unknown = next((part for part in parts if isinstance(part, Unknown)), None)
        rule: Union[str, Unknown] = unknown if unknown is not None else "".join(part for part in parts if part)  # type: ignore[misc]
        found = self.project.definition(module, site.scope, site.resource) if site.resource is not None else None
        view_class = found[1] if found is not None and isinstance(found[1], cst.ClassDef) else None
        endpoint: Union[str, Unknown]
        if site.endpoint is not None:
            text = _text(module, site.endpoint)
            endpoint = text if isinstance(text, (str, Unknown)) else Unknown("the endpoint is not known", site.where)
        elif view_class is not None:
            endpoint = view_class.name.value.lower()
        else:
            endpoint = Unknown("the resource class is not found in the project", site.where)
        if mount is not None and isinstance(endpoint, str):
            endpoint = f"{mount.name}.{endpoint}" if mount.name else Unknown("the blueprint's name is not known", site.where)
        methods: Union[Tuple[str, ...], Unknown]
        defined = self._class_methods(found[0], view_class, 0) if found is not None and view_class is not None else None
        methods = _with_implied(defined or {"GET"}) if view_class is not None else Unknown("the resource class is not found in the project", site.where)
        decorators: Tuple[DecoratorCall, ...] = ()
        view_module = None
        if found is not None and view_class is not None:
            view_module = found[0]
            decorators = tuple(
                decorator
                for decorator in view_module.sites.decorators
                if decorator.scope == view_class.name.value and decorator.view in HTTP_METHODS
            )
        options = defined is not None and "OPTIONS" in defined
        return RouteLink(rule, endpoint, methods, module, site, mount, decorators, view_module, options)

    def _class_methods(self, module: Module, definition: cst.ClassDef, depth: int) -> Optional[Set[str]]:
        """A MethodView's methods: its ``methods``, or the HTTP methods it and
        its project base classes define (Flask unions them)."""
        listed, methods = _class_own_methods(module, definition)
        if listed:
            return methods
        if depth < MAX_NESTING:
            for base in definition.bases:
                found = self.project.definition(module, "", base.value)
                if found is not None and isinstance(found[1], cst.ClassDef):
                    methods |= self._class_methods(found[0], found[1], depth + 1) or set()
        return methods or None


def _event_order(event: Event) -> Tuple:
    return (event.placement.home, event.placement.key)


def _creation_of(module: Module, ref: ObjectRef) -> Optional[Creation]:
    for creation in module.flask.creations:
        if creation.name == ref.name and creation.scope == ref.scope:
            return creation
    return None


def _argument(creation: Optional[Creation], position: int, name: str) -> Optional[cst.BaseExpression]:
    if creation is None:
        return None
    positional = [arg for arg in creation.call.args if arg.keyword is None and not arg.star]
    if position < len(positional):
        return positional[position].value
    for arg in creation.call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def _text(module: Module, expression: Optional[cst.BaseExpression]) -> Union[str, None, Unknown]:
    """A string argument's value; None when absent or ``None``."""
    if expression is None:
        return None
    value = module.evaluator.evaluate(expression)
    if isinstance(value, Known) and (value.value is None or isinstance(value.value, str)):
        return value.value  # type: ignore[return-value]
    return value if isinstance(value, Unknown) else Unknown("not a string", value.where)


def _join_prefix(parent: Union[str, None, Unknown], own: Union[str, None, Unknown]) -> Union[str, None, Unknown]:
    """Flask's rule for nested blueprints' ``url_prefix``."""
    if isinstance(parent, Unknown):
        return parent
    if isinstance(own, Unknown):
        return own
    if parent is not None and own is not None:
        return parent.rstrip("/") + "/" + own.lstrip("/")
    return own if own is not None else parent


def _endpoint(module: Module, site: RouteSite) -> Union[str, Unknown]:
    if site.endpoint is not None:
        text = _text(module, site.endpoint)
        if isinstance(text, (str, Unknown)):
            return text
    if site.view is not None:
        return site.view
    view_func = site.view_func
    # ``View.as_view("name")``: the endpoint is the name given to as_view.
    if isinstance(view_func, cst.Call) and isinstance(view_func.func, cst.Attribute) and view_func.func.attr.value == "as_view":
        if view_func.args:
            text = _text(module, view_func.args[0].value)
            if isinstance(text, (str, Unknown)):
                return text
    return Unknown("the endpoint is not known", site.where)


def _listed_methods(project: Project, module: Module, site: RouteSite) -> Union[Set[str], Unknown]:
    """The methods the route declares (its view class's, GET by default)."""
    if site.shortcut is not None:
        return {site.shortcut}
    if site.methods is not None:
        listed = _strings(module.evaluator.evaluate(site.methods))
        if listed is None:
            return Unknown("the methods are not known", site.where)
        return {method.upper() for method in listed}
    return _view_class_methods(project, module, site) or {"GET"}


def _with_implied(methods: Set[str]) -> Tuple[str, ...]:
    """HEAD comes with GET, and OPTIONS with every rule."""
    methods = set(methods)
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    return tuple(sorted(methods))


def _strings(value: Value) -> Optional[List[str]]:
    if isinstance(value, Known) and isinstance(value.value, SequenceValue):
        items = [item.value for item in value.value.items if isinstance(item, Known)]
        if len(items) == len(value.value.items) and all(isinstance(item, str) for item in items):
            return items  # type: ignore[return-value]
    return None


HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


def _view_class_methods(project: Project, module: Module, site: RouteSite) -> Optional[Set[str]]:
    """``SomeView.as_view(...)``: the class's ``methods``, or, for a
    MethodView, the HTTP methods it defines."""
    view_func = site.view_func
    if not (isinstance(view_func, cst.Call) and isinstance(view_func.func, cst.Attribute)):
        return None
    found = project.definition(module, site.scope, view_func.func.value)
    if found is None or not isinstance(found[1], cst.ClassDef):
        return None
    _, methods = _class_own_methods(found[0], found[1])
    return methods or None


def _class_own_methods(module: Module, definition: cst.ClassDef) -> Tuple[bool, Set[str]]:
    """(True, the class's ``methods``) when it sets them, else (False, the
    HTTP methods it defines itself)."""
    defined: Set[str] = set()
    for statement in definition.body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value in HTTP_METHODS:
            defined.add(statement.name.value.upper())
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and any(
                    isinstance(target.target, cst.Name) and target.target.value == "methods" for target in small.targets
                ):
                    listed = _strings(module.evaluator.evaluate(small.value))
                    if listed is not None:
                        return True, {method.upper() for method in listed}
    return False, defined


def _static_rule(module: Module, creation: Creation) -> Union[str, Unknown, None]:
    """Flask's ``{static_url_path}/<path:filename>``: ``static_url_path``, or
    ``/`` and the static folder's last name (``static`` by default); no route
    with ``static_folder=None`` (whether the folder exists does not matter)."""
    folder = _argument(creation, 2, "static_folder")
    url_path = _argument(creation, 1, "static_url_path")
    folder_text = _text(module, folder) if folder is not None else "static"
    if folder_text is None:
        return None
    url_text = _text(module, url_path) if url_path is not None else None
    if isinstance(url_text, Unknown):
        return url_text
    if url_text is None:
        if isinstance(folder_text, Unknown):
            folder_text = _last_path_part(module, folder)
        if folder_text is None or isinstance(folder_text, Unknown):
            return Unknown("the static folder is not known, nor its URL", creation.where)
        url_text = ("/" + os.path.basename(folder_text)).rstrip("/")
    return f"{url_text}/<path:filename>"


_PATH_JOINS = frozenset({"os.path.join", "posixpath.join"})
_SAME_NAME = frozenset({"os.path.abspath", "os.path.realpath", "os.path.normpath", "builtins.str"})


def _last_path_part(module: Module, expression: Optional[cst.BaseExpression]) -> Optional[str]:
    """The folder's last name when only that is written out: Flask's static
    URL is ``/`` and the folder's base name, and ``os.path.join(HERE,
    "static")`` or ``Path(HERE) / "dist"`` end with a literal."""
    if isinstance(expression, cst.Name):
        bound = module.index.binding(expression)
        return _last_path_part(module, bound) if isinstance(bound, cst.BaseExpression) else None
    if isinstance(expression, cst.Call) and expression.args:
        names = module.index.qualified_names(expression.func)
        if names & _SAME_NAME and len(expression.args) == 1:
            return _last_path_part(module, expression.args[0].value)
        if names & _PATH_JOINS:
            last = _text(module, expression.args[-1].value)
            return last if isinstance(last, str) and last and not last.startswith((".", "/")) and "/" not in last else None
    if isinstance(expression, cst.BinaryOperation) and isinstance(expression.operator, cst.Divide):
        last = _text(module, expression.right)
        return last if isinstance(last, str) and last and "/" not in last and last not in (".", "..") else None
    return None


__all__: Sequence[str] = ("AppLink", "Event", "Linker", "Mount", "Placement", "RouteLink")

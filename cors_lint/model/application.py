"""The application model: for each app the linker found, its flask-cors
registrations built in the app's context, and the CORS policy of every route
(``model.routes``) as a request meets it (``model.request`` predicts the
headers).

What a request to a route gets, in the order Flask runs it (flask-cors 6):

1. ``@cross_origin`` on the view (if it is below the route decorator) sets
   the headers from its arguments over the app config, read at request time,
   and marks the response, so no flask-cors hook touches it again.
2. The ``after_request`` functions: those of the route's blueprints, the
   innermost first, then the app's; each owner's in reverse order of
   registration. ``CORS(app)`` is one of them (registered where it is called):
   it leaves alone a response that already has Access-Control-Allow-Origin,
   and otherwise answers with the first resource that matches the
   percent-decoded path. A hand-written hook writes what it writes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple, Union

import libcst as cst

from cors_lint.evaluate.values import Known, Span, Unknown, Value
from cors_lint.find.branches import Branch, condition, exclusive
from cors_lint.find.flask_sites import HookSite
from cors_lint.find.sites import DecoratorCall, ExtensionCall, ForeignInitAppCall, InitAppCall
from cors_lint.link.apps import AppLink, Event, Linker, Placement, RouteLink
from cors_lint.link.project import Module, ObjectRef
from cors_lint.link.configs import NamedConfig, named_configs
from cors_lint.find.headers import ACAO, HeaderWrite
from cors_lint.find.walk import find_all
from cors_lint.model.headers import build_header_policy
from cors_lint.model.paths import other_paths
from cors_lint.model.policy import (
    ConfigEntry,
    GivenOption,
    HookConflict,
    OptionLayer,
    Registration,
    Scope,
    config_entries,
    config_layer,
    decorator_registration,
    extension_registration,
    option_layer,
    under_release,
)
from cors_lint.model.releases import Behaviour
from cors_lint.model.routes import (
    Alternative,
    AppPolicy,
    ApplicationModel,
    HandWrittenHook,
    RoutePolicy,
    Writer,
    sample_path,
    scope_for,
)

def build_application_model(
    linker: Linker, links: Sequence[AppLink], routes: bool = True, behaviour: Optional[Behaviour] = None
) -> ApplicationModel:
    """Every app's registrations in its context, and, with ``routes``, the
    policy of each route (the check needs only the registrations), under the
    flask-cors release ``behaviour`` describes (None: the newest)."""
    apps = []
    linked: Dict[Span, List[Registration]] = {}
    for link in links:
        app, worlds = _app_with_alternatives(linker, link, routes, behaviour)
        apps.append(app)
        for world in (app, *worlds):
            for registration in world.registrations:
                found = linked.setdefault(registration.where, [])
                if registration not in found:
                    found.append(registration)
    conflicts = tuple(conflict for app in apps for conflict in hook_conflicts(app))
    return ApplicationModel(tuple(apps), {where: tuple(found) for where, found in linked.items()}, conflicts)


# A finding names this many routes as examples.
EXAMPLE_ROUTES = 3
# Calls followed from an after_request hook to the helper that writes its headers.
HELPER_DEPTH = 3


def hook_conflicts(app: AppPolicy) -> List[HookConflict]:
    """Hooks that write Access-Control-Allow-Origin where flask-cors answers
    too: run first, flask-cors leaves the response alone (its policy is dead
    for the origins the hook accepts); run after, the hook's write replaces
    or doubles flask-cors's header."""
    found: Dict[Tuple[Span, Span], List[Tuple[str, str]]] = {}
    details: Dict[Tuple[Span, Span], Tuple[HandWrittenHook, Registration, bool]] = {}
    for route in app.routes:
        path = route.path
        for position, writer in enumerate(route.writers):
            if writer.kind != "hand-written" or writer.hook is None:
                continue
            for other_position, other in enumerate(route.writers):
                if other.registration is None or other.registration.inactive is not None:
                    continue
                scope, why = scope_for(other.registration, path)
                if scope is None or why is not None:
                    continue
                key = (writer.hook.where, other.registration.where)
                methods = [m for m in route.methods if m not in ("HEAD", "OPTIONS")] if isinstance(route.methods, tuple) else []
                found.setdefault(key, []).append((f"{(methods or ['GET'])[0]} {route.rule}", path or ""))
                details[key] = (writer.hook, other.registration, position < other_position)
    conflicts = []
    for key, routes in sorted(found.items()):
        hook, registration, runs_first = details[key]
        unique = sorted(set(routes))
        shown = tuple(route for route, _ in unique[:EXAMPLE_ROUTES])
        conflicts.append(
            HookConflict(hook.function, key[0], registration.label, registration.where, runs_first, shown, len(unique), unique[0][1])
        )
    return conflicts


def _app_with_alternatives(
    linker: Linker, link: AppLink, routes: bool, behaviour: Optional[Behaviour]
) -> Tuple[AppPolicy, List[AppPolicy]]:
    """The app's policy; with config chosen by name, the policy under the
    default config, each other named config an alternative."""
    for event in link.config:
        selects = getattr(event.site, "selects", None)
        if selects is None:
            continue
        choice = named_configs(linker.project, event.module, event.site.scope, selects)  # type: ignore[attr-defined]
        if choice is None:
            break
        worlds = {
            config.name: _AppBuilder(linker, link, (event, config), behaviour).build(routes or bool(link.hooks))
            for config in choice.configs
        }
        main = worlds.get(choice.default) if choice.default is not None else None
        if main is None and worlds and _agree(list(worlds.values())):
            # No default, but every named config gives every route the same
            # policy: which one is chosen does not matter.
            main = next(iter(worlds.values()))
        if main is None:
            main = _AppBuilder(linker, link, behaviour=behaviour).build(routes or bool(link.hooks))
        others = [(config, worlds[config.name]) for config in choice.configs if config.name != choice.default]
        return _with_alternatives(main, others), list(worlds.values())
    # Hooks that write headers need the routes: they may conflict with flask-cors.
    return _AppBuilder(linker, link, behaviour=behaviour).build(routes or bool(link.hooks)), []


def _agree(worlds: List[AppPolicy]) -> bool:
    """Do the apps built under each named config give every route the same
    kind of policy with the same settings?"""
    first = worlds[0]
    for world in worlds[1:]:
        if len(world.routes) != len(first.routes):
            return False
        for route, twin in zip(first.routes, world.routes):
            if (route.rule, route.endpoint, route.cors) != (twin.rule, twin.endpoint, twin.cors):
                return False
            if (route.deciding is None) != (twin.deciding is None):
                return False
            if route.deciding is not None and twin.deciding is not None and route.deciding.settings != twin.deciding.settings:
                return False
    return True


def _with_alternatives(main: AppPolicy, others: List[Tuple[NamedConfig, AppPolicy]]) -> AppPolicy:
    routes = []
    for route in main.routes:
        alternatives = list(route.alternatives)
        for config, world in others:
            twin = next((r for r in world.routes if r.rule == route.rule and r.endpoint == route.endpoint), None)
            if twin is None or twin.registration is None:
                continue
            if twin.deciding is None or route.deciding is None or twin.deciding.settings != route.deciding.settings:
                alternatives.append(Alternative(f"with {config.label} (config {config.name!r})", twin.registration))
        routes.append(dataclasses.replace(route, alternatives=tuple(alternatives)))
    return dataclasses.replace(main, routes=tuple(routes))


@dataclass(frozen=True)
class _AppConfig:
    """The app's config as code at ``at`` reads it: the last write of the key
    before ``at`` in the same flow. A key the project never writes, or one a
    write of unknown keys (or another flow) may set, is unknown: Flask and
    the app's extensions set keys of their own."""

    names: FrozenSet[str]
    entries: Tuple[Tuple[ConfigEntry, Placement], ...]
    at: Placement

    def read(self, key: str, default: Optional[Value], where: Span) -> Value:
        value: Value = Unknown(f"app.config[{key!r}] is not written by the project (Flask or an extension may set it)", where)
        for entry, placement in self.entries:
            if entry.key is not None and entry.key != key:
                continue
            order = placement.before(self.at)
            if order is False:
                continue
            if order is None or entry.key is None:
                value = Unknown(f"app.config[{key!r}] may be set by a write the tool cannot order or read", where)
                continue
            value = entry.value
        return value


class _AppBuilder:
    def __init__(
        self,
        linker: Linker,
        link: AppLink,
        chosen: Optional[Tuple[Event, NamedConfig]] = None,
        behaviour: Optional[Behaviour] = None,
    ) -> None:
        self.linker = linker
        self.link = link
        self.behaviour = behaviour
        self.entries: List[Tuple[ConfigEntry, Placement]] = []
        for event in link.config:
            if chosen is not None and event is chosen[0]:
                self.entries.extend((entry, event.placement) for entry in _named_config_entries(event, chosen[1]))
            else:
                self.entries.extend(
                    (entry, event.placement) for entry in config_entries(event.site, event.module.evaluator)  # type: ignore[arg-type]
                )

    def build(self, with_routes: bool = True) -> AppPolicy:
        registrations: Dict[int, Registration] = {}
        for event in self.link.registrations:
            registration = self._extension(event)
            if registration is not None:
                registrations[id(event)] = registration
        decorators: Dict[int, Registration] = {}
        routes = []
        for route in self.link.routes:
            for decorator in route.decorators:
                if id(decorator) not in decorators:
                    decorators[id(decorator)] = self._decorator(route, decorator)
            if with_routes:
                routes.append(self._route(route, registrations, decorators))
        if with_routes and self.link.static_rule is not None:
            routes.append(self._static_route(registrations))
        routes = [_with_other_paths(route, routes) for route in routes]
        every = list(registrations.values()) + list(decorators.values())
        every.sort(key=lambda registration: (registration.where.path, registration.where))
        routes.sort(key=_route_order)
        return AppPolicy(self.link.label, self.link.creation.where, tuple(routes), tuple(every))

    # Registrations -----------------------------------------------------------------------
    def _config_layers(self, at: Placement, on_blueprint: bool) -> Tuple[OptionLayer, ...]:
        """What ``CORS(app)``/``init_app`` reads from ``app.config`` when it runs:
        the writes of the same flow before it; a write in another flow may or
        may not come first, so the keys it sets are unknown."""
        if on_blueprint:
            return ()
        before = [entry for entry, placement in self.entries if placement.before(at)]
        elsewhere = tuple(
            GivenOption(entry.option, Unknown(f"{entry.key} is also written in {entry.where.path or 'another function'}", entry.where), entry.where)
            for entry, placement in self.entries
            if placement.before(at) is None and entry.option is not None
        )
        layers: Tuple[OptionLayer, ...] = (OptionLayer("app.config elsewhere", elsewhere, None),) if elsewhere else ()
        return layers + ((config_layer(before),) if before else ())

    def _extension(self, event: Event) -> Optional[Registration]:
        site = event.site
        module = event.module
        on_blueprint = self._on_blueprint(event)
        layers = self._config_layers(event.placement, on_blueprint)
        # The factory's own reads of the app's config (``url =
        # app.config.get("FRONTEND_URL", "*")``) are answered from its writes.
        names = frozenset({"current_app"} | ({site.app} if getattr(site, "app", None) else set()))
        evaluator = module.evaluator.reading_config(_AppConfig(names, tuple(self.entries), event.placement))
        if isinstance(site, ExtensionCall):
            layers += (option_layer("CORS()", site.arguments, evaluator),)
            label = f"CORS({site.app})"
        elif isinstance(site, InitAppCall):
            layers += (
                option_layer("CORS()", site.constructor.arguments, evaluator),
                option_layer("init_app()", site.arguments, evaluator),
            )
            label = f"init_app({site.app})"
        elif isinstance(site, ForeignInitAppCall):
            constructor = self.linker.cors_constructor(event)
            if constructor is None and not self._may_be_cors(event):
                return None  # ``db.init_app(app)``: another extension
            if constructor is None:
                missing = Unknown("the CORS() object passed to init_app is not found in the project", site.where)
                layers += (OptionLayer("CORS()", (), missing),)
            else:
                constructor_module, call = constructor
                layers += (option_layer("CORS()", call.arguments, constructor_module.evaluator),)
            layers += (option_layer("init_app()", site.arguments, evaluator),)
            label = f"init_app({site.app})"
        else:
            return None
        # The app as written at the call and the function it stands in, as the
        # module-level rules compare them (config written after it, CRS303).
        return extension_registration(
            label, site.where, site.app, site.scope, layers, on_blueprint, event.placement.branch, self.behaviour
        )

    def _may_be_cors(self, event: Event) -> bool:
        """``x.init_app(app)`` whose ``CORS(...)`` call is not found: an instance
        of a CORS subclass is one; another extension's instance (``db =
        SQLAlchemy()``) or a class is not; an object the tool cannot follow
        (a loop variable, a call's result) may be, and so is unknown."""
        site: ForeignInitAppCall = event.site  # type: ignore[assignment]
        project = self.linker.project
        refs = project.resolve(event.module, site.scope, site.receiver)
        if any(isinstance(ref, ObjectRef) and ref.kind == "cors" for ref in refs):
            return True
        if refs:
            return False
        names = event.module.index.qualified_names(site.receiver)
        if any("cors" in name.lower() for name in names):
            return True
        return not project.is_known_object(event.module, site.scope, site.receiver)

    def _on_blueprint(self, event: Event) -> bool:
        return any(event in self.linker.events_of(mount.blueprint) for mount in self.link.mounts)

    def _decorator(self, route: RouteLink, decorator: DecoratorCall) -> Registration:
        """``@cross_origin`` reads ``current_app.config`` on every request: all
        of the app's writes count, whenever they happen."""
        entries = [entry for entry, _ in self.entries if entry.option is not None or entry.opaque is not None]
        layers = (config_layer(entries),) if entries else ()
        position = route.site.position
        inactive = None
        below = None
        if decorator.position is not None and position is not None and position > decorator.position:
            inactive = "it is above the route decorator, which registers the view without it"
            below = _lowest_route_decorator(route, decorator) or route.site.where
        registration = decorator_registration(
            decorator, (route.view_module or route.module).evaluator, layers, inactive, self.link.label, route_below=below
        )
        if _switches_automatic_options_off(route, registration):
            registration = dataclasses.replace(
                registration,
                inactive=f"{inactive}; the blueprint registers the route later, after @cross_origin has switched "
                "Flask's automatic OPTIONS off for the view, so a preflight runs the view's body and gets no CORS "
                "headers of its own",
            )
        return registration if self.behaviour is None else under_release(registration, self.behaviour)

    # Routes ------------------------------------------------------------------------------
    def _route(self, route: RouteLink, registrations: Dict[int, Registration], decorators: Dict[int, Registration]) -> RoutePolicy:
        writers: List[Writer] = []
        active = [d for d in route.decorators if decorators[id(d)].inactive is None]
        if route.view_module is not None:
            # A resource's methods: each decorator answers its own method's requests.
            writers += [Writer("decorator", decorators[id(d)], methods=_handled_by(d.view)) for d in active]
        else:
            writers += [Writer("decorator", decorators[id(d)]) for d in active[:1]]
        writers += self._hook_writers(list(reversed(route.blueprints)) + [self.link.ref], registrations)
        policy = _route_policy(route.rule, route.endpoint, route.methods, route.site.where, tuple(writers))
        switched_off = _automatic_options_switched_off(route, [decorators[id(d)] for d in route.decorators])
        if switched_off is not None or route.options_listed:
            policy = dataclasses.replace(policy, preflight_runs_view=switched_off, view_answers_options=route.options_listed)
        return policy

    def _static_route(self, registrations: Dict[int, Registration]) -> RoutePolicy:
        """Flask's ``/static/<path:filename>``, answered by the app's hooks."""
        writers = self._hook_writers([self.link.ref], registrations)
        rule = self.link.static_rule
        assert rule is not None
        return _route_policy(rule, "static", ("GET", "HEAD", "OPTIONS"), self.link.creation.where, tuple(writers))

    def _hook_writers(self, owners: List[ObjectRef], registrations: Dict[int, Registration]) -> List[Writer]:
        """The after_request functions of the owners (innermost blueprint
        first, the app last), each owner's last-registered first."""
        writers: List[Writer] = []
        for owner in owners:
            for event in reversed(self._after_request(owner)):
                if id(event) in registrations:
                    writers.append(Writer("extension", registrations[id(event)]))
                elif isinstance(event.site, HookSite):
                    hook = self._hand_written(event)
                    if hook is not None:
                        writers.append(Writer("hand-written", hook=hook))
        return writers

    def _after_request(self, owner) -> List[Event]:
        """The owner's after_request functions in registration order: its
        flask-cors registrations and its hooks."""
        owned = {id(event) for event in self.linker.events_of(owner)}
        events = [event for event in (*self.link.registrations, *self.link.hooks) if id(event) in owned]
        events.sort(key=lambda event: (event.placement.home, event.placement.key))
        return events

    def _hand_written(self, event: Event) -> Optional[HandWrittenHook]:
        """The hook function, wherever it is defined, if it writes
        Access-Control-Allow-Origin itself or through a function it calls."""
        site: HookSite = event.site  # type: ignore[assignment]
        found = self.linker.project.definition(event.module, site.scope, cst.Name(site.function))
        if found is None or not isinstance(found[1], cst.FunctionDef):
            return None
        scope = f"{site.scope}.{site.function}" if site.scope else site.function
        writer = self._writing_function(found[0], found[1], scope, HELPER_DEPTH)
        if writer is None:
            return None
        module, writes = writer
        origin_writes = [write for write in writes if write.header == ACAO]
        modelled = build_header_policy(writes, module.evaluator)
        headers = modelled[0] if modelled else None
        return HandWrittenHook(site.function, origin_writes[0].where, headers)

    def _writing_function(
        self, module: Module, function: cst.FunctionDef, scope: str, depth: int
    ) -> Optional[Tuple[Module, List[HeaderWrite]]]:
        """The function that writes Access-Control-Allow-Origin, and its
        writes: ``function`` itself, or a function of the project it passes a
        name to (``return add_cors(response)`` with the helper in another
        module), followed ``depth`` calls deep."""
        writes = [write for write in module.sites.header_writes if write.function == function.name.value]
        if any(write.header == ACAO for write in writes):
            return module, writes
        if depth == 0:
            return None
        for call in find_all(function.body, (cst.Call,), skip=(cst.Lambda, cst.FunctionDef, cst.ClassDef)):
            if not any(isinstance(arg.value, cst.Name) for arg in call.args):
                continue  # a helper that writes headers is handed the response
            found = self.linker.project.definition(module, scope, call.func)
            if found is None or not isinstance(found[1], cst.FunctionDef) or found[1] is function:
                continue
            callee_module, callee = found
            result = self._writing_function(callee_module, callee, callee.name.value, depth - 1)
            if result is not None:
                return result
        return None


def _named_config_entries(event: Event, config: NamedConfig) -> List[ConfigEntry]:
    """What ``from_object`` reads from the chosen class: its upper-case attributes."""
    site = event.site
    entries = []
    for key, value, target in config.attributes:
        evaluated = config.module.evaluator.evaluate(value)
        where = config.module.index.span(target)
        entries.append(ConfigEntry(site.app, site.scope, key, evaluated, where, site.happens_at, None, site.shared))  # type: ignore[attr-defined]
    return entries


def _route_policy(
    rule: Union[str, Unknown],
    endpoint: Union[str, Unknown],
    methods: Union[Tuple[str, ...], Unknown],
    where: Span,
    writers: Tuple[Writer, ...],
) -> RoutePolicy:
    decided_by: List[Span] = []
    reason = None
    deciding: Optional[Scope] = None
    registration: Optional[Registration] = None
    alternatives: List[Alternative] = []
    kind = "none"
    path = sample_path(rule) if isinstance(rule, str) else None
    first_hand = next((i for i, writer in enumerate(writers) if writer.kind == "hand-written"), None)
    for writer in writers:
        if writer.kind == "hand-written":
            continue
        candidate = writer.registration
        assert candidate is not None
        scope, why = scope_for(candidate, path)
        if scope is None and why is None:
            continue  # no resource of this registration covers the route
        if registration is None:
            registration, deciding = candidate, scope
            reason = why
            kind = "flask-cors" if why is None else "unknown"
            decided_by.extend(_decided_by(candidate, scope))
        elif exclusive(registration.branch, candidate.branch):
            alternatives.append(Alternative(condition(candidate.branch) or "otherwise", candidate))
    if registration is not None and registration.branch:
        none_arm = _uncovered_arm(registration, alternatives)
        if none_arm is not None:
            alternatives.append(Alternative(condition(none_arm), None))
        alternatives.insert(0, Alternative(condition(registration.branch), registration))
    # A hook that writes the header itself wins against flask-cors wherever it
    # writes: run first, flask-cors leaves the response alone; run after, its
    # ``headers[...] =`` replaces flask-cors's value. Only a decorated view
    # is out of its reach when the decorator answers... and even then the
    # hook runs after it, so the hook still decides.
    if first_hand is not None:
        kind = "hand-written"
        hook = writers[first_hand].hook
        assert hook is not None
        decided_by.append(hook.where)
    on_error = None
    if registration is not None and registration.kind == "decorator":
        on_error = _error_scope(writers, path)
    return RoutePolicy(
        rule,
        endpoint,
        methods,
        where,
        kind,
        writers,
        deciding,
        registration,
        reason,
        tuple(alternatives),
        tuple(dict.fromkeys(decided_by)),
        on_error,
    )


def _uncovered_arm(registration: Registration, alternatives: List[Alternative]) -> Optional[Branch]:
    """``if cond: CORS(app)`` with nothing in the other arm: the branch under
    which no flask-cors registration answers (the outermost such ``if``, with
    the conditions that lead to it)."""
    others = [alternative.registration.branch for alternative in alternatives if alternative.registration is not None]
    for depth, (node, arm, decider) in enumerate(registration.branch):
        if arm not in (0, 1) or isinstance(decider, str):
            continue  # a try/except arm: its other side is not "the condition is false"
        other_arm = 1 - arm
        if not any(any(n == node and a == other_arm for n, a, _ in branch) for branch in others):
            return registration.branch[:depth] + ((node, other_arm, decider),)
    return None


def _error_scope(writers: Tuple[Writer, ...], path: Optional[str]) -> Optional[Scope]:
    """The app-level scope that answers a decorated view's error responses:
    flask-cors wraps the app's exception handlers when ``intercept_exceptions``
    is on (blueprints have none to wrap)."""
    for writer in writers:
        registration = writer.registration
        if writer.kind != "extension" or registration is None or registration.on_blueprint:
            continue
        scope, why = scope_for(registration, path)
        if scope is not None and why is None and scope.computed is not None and scope.computed.intercept_exceptions:
            return scope
    return None


def _decided_by(registration: Registration, scope: Optional[Scope]) -> List[Span]:
    """The statements that set the options, lowest precedence first."""
    spans = []
    settings = scope.settings if scope is not None else registration.settings
    for setting in settings:
        if not setting.is_default and setting.where not in spans:
            spans.append(setting.where)
    spans.append(registration.where)
    return spans


def _route_order(route: RoutePolicy) -> Tuple:
    rule = route.rule if isinstance(route.rule, str) else "~"
    endpoint = route.endpoint if isinstance(route.endpoint, str) else "~"
    return (rule, endpoint, route.where.path, route.where)


def _with_other_paths(route: RoutePolicy, routes: List[RoutePolicy]) -> RoutePolicy:
    """The route with the paths its rule serves that another flask-cors
    resource (or none) answers; only for routes that app-level registrations
    answer (a decorator or a hand-written hook answers whatever the path)."""
    if not isinstance(route.rule, str) or not isinstance(route.methods, tuple) or route.cors not in ("flask-cors", "none"):
        return route
    if any(writer.kind != "extension" for writer in route.writers):
        return route
    answering = [
        writer.registration
        for writer in route.writers
        if writer.registration is not None
        and not (route.registration is not None and exclusive(writer.registration.branch, route.registration.branch))
    ]
    others = []
    for other in routes:
        if other is route:
            continue
        if not isinstance(other.rule, str) or not isinstance(other.methods, tuple):
            return route  # a route whose paths are not known might take any of them
        others.append((other.rule, other.methods))
    found = other_paths(route.rule, route.methods, answering, (route.registration, route.deciding), others)
    return dataclasses.replace(route, other_paths=found) if found else route


def _handled_by(method: Optional[str]) -> FrozenSet[str]:
    """The requests a resource's method handles: Flask-RESTful answers HEAD
    with ``get`` when the resource has no ``head``."""
    name = (method or "").upper()
    return frozenset({"GET", "HEAD"}) if name == "GET" else frozenset({name})


def _automatic_options_switched_off(route: RouteLink, decorators: List[Registration]) -> Optional[Span]:
    """The ``@cross_origin`` above a blueprint's route decorator that turned
    Flask's automatic OPTIONS off for the view (``cross_origin`` marks the
    function it is given, and the blueprint reads the mark when it adds the
    route): the route's preflights then run the view's body."""
    return next((registration.where for registration in decorators if _switches_automatic_options_off(route, registration)), None)


def _switches_automatic_options_off(route: RouteLink, registration: Registration) -> bool:
    if route.mount is None or registration.inactive is None:
        return False
    automatic = registration.setting("automatic_options").value
    return not (isinstance(automatic, Known) and not automatic.value)


def _lowest_route_decorator(route: RouteLink, decorator: DecoratorCall) -> Optional[Span]:
    """The last route decorator of the view below ``decorator``: where an
    ``@cross_origin`` above them belongs (CRS305's fix). Route decorators of
    the same function follow it within its decorator list."""
    where = decorator.where
    candidates = [
        site
        for site in route.module.sites.routes
        if site.view == decorator.view
        and decorator.position is not None
        and site.position > decorator.position
        and where.end_line < site.where.line <= where.end_line + 100
        and (site.where.path or where.path) == where.path
    ]
    return max(candidates, key=lambda site: site.position).where if candidates else None

"""The policy model: effective flask-cors options per scope, built from sites.

A *registration* is one ``CORS(app, ...)``, ``ext.init_app(app, ...)`` or
``@cross_origin(...)``. Each has one or more *scopes*: the resource patterns
of an extension, in the order flask-cors tries them, or the single decorated
view. A scope holds every option's effective value (a ``Setting``) after
flask-cors's precedence, and, when all of them are known, the options exactly
as flask-cors computes them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, List, Optional, Tuple

from cors_lint.find.branches import Branch, exclusive  # noqa: F401 - rules compare branches through the model
from cors_lint.evaluate.values import Duration, Known, Mapping, Pattern, Sequence, Span, Unknown, Value, first_unknown
from cors_lint.model import flaskcors
from cors_lint.model.flaskcors import ComputedOptions, StartupError
from cors_lint.model.releases import Behaviour

if TYPE_CHECKING:  # the model needs no parser: rules and formatters load without libcst
    from cors_lint.evaluate.expressions import Evaluator
    from cors_lint.find.sites import Argument, ConfigWrite, DecoratorCall, RouteDecorator, Sites
    from cors_lint.model.exposures import VersionAssessment
    from cors_lint.model.headers import FunctionHeaders


@dataclass(frozen=True)
class GivenOption:
    """An option as written in the source: a keyword argument, an entry of a
    ``**`` dict or of a per-resource options dict."""

    name: str
    value: Value
    where: Span


@dataclass(frozen=True)
class IgnoredArgument:
    """An argument flask-cors never looks at (e.g. positional arguments of
    ``cross_origin``)."""

    description: str
    where: Span


@dataclass(frozen=True)
class OptionLayer:
    """The options one call (or one resource entry) contributes."""

    label: str  # "CORS()", "init_app()", "cross_origin()", "resource '/api/*'"
    given: Tuple[GivenOption, ...]
    opaque: Optional[Unknown]  # a ``**`` argument that could not be evaluated
    ignored: Tuple[IgnoredArgument, ...] = ()


@dataclass(frozen=True)
class Setting:
    """The effective value of one option in a scope, and where it was set."""

    name: str
    value: Value
    source: str  # a layer label, or "default"
    where: Span  # the argument that set it; the registration for defaults

    @property
    def is_default(self) -> bool:
        return self.source == "default"

    def truthy(self) -> Optional[bool]:
        """flask-cors's ``bool(...)`` of the value; None when unknown."""
        try:
            return bool(concrete(self.value))
        except NotConcrete:
            return None


@dataclass(frozen=True)
class Scope:
    """One resource of an extension, or the view of a decorator."""

    resource: Optional[Value]  # None for a decorated view
    settings: Tuple[Setting, ...]
    computed: Optional[ComputedOptions]
    failure: Optional[StartupError]
    unknown: Optional[Unknown]  # why ``computed`` is missing, if not a failure
    resource_layer: Optional[OptionLayer] = None  # the resource's own options

    def setting(self, name: str) -> Setting:
        for setting in self.settings:
            if setting.name == name:
                return setting
        raise KeyError(name)

    def label(self) -> str:
        if self.resource is None:
            return "the view"
        if isinstance(self.resource, Known):
            shown = self.resource.value.source if isinstance(self.resource.value, Pattern) else self.resource.value
            return f"resource {shown!r}"
        return "resources"


@dataclass(frozen=True)
class ConfigEntry:
    """A write to ``app.config``, evaluated."""

    app: str
    context: str  # enclosing function
    key: Optional[str]  # None when the keys written are not known (``opaque``)
    value: Value
    where: Span  # where the key is written
    happens_at: Span  # where the write happens in the flow
    opaque: Optional[Unknown] = None
    shared: bool = False  # written to a module-level app, the same in every function

    @property
    def option(self) -> Optional[str]:
        """The flask-cors option a known ``CORS_*`` key sets, if it is one."""
        if self.key in flaskcors.CONFIG_OPTIONS:
            return self.key[len("CORS_") :].lower()
        return None


@dataclass(frozen=True)
class Registration:
    kind: str  # "extension" or "decorator"
    label: str  # "CORS(app)", "cors.init_app(app)", "@cross_origin() on 'view'"
    where: Span
    app: Optional[str]  # the app expression (extensions)
    context: str  # enclosing function, to tell apart ``app`` in two factories
    layers: Tuple[OptionLayer, ...]
    settings: Tuple[Setting, ...]  # merged from the layers, before per-resource options
    scopes: Tuple[Scope, ...]
    failure: Optional[StartupError]  # raised before any resource is built
    on_blueprint: bool = False  # flask-cors reads no app config then
    inactive: Optional[str] = None  # why this registration never applies
    branch: Branch = ()  # the if/else arms it stands in: registrations in two arms are alternatives
    # An ``@cross_origin`` above its route decorator: that route decorator
    # (the lowest one), which it belongs below (CRS305's fix).
    route_below: Optional[Span] = None
    # The flask-cors release it is built for (None: the newest): its defaults,
    # the options it reads, the order of its resources, how it matches paths.
    behaviour: Optional[Behaviour] = None

    def setting(self, name: str) -> Setting:
        return next(setting for setting in self.settings if setting.name == name)


@dataclass(frozen=True)
class HookConflict:
    """An ``after_request`` hook that writes Access-Control-Allow-Origin on
    routes a flask-cors registration also answers."""

    hook: str  # the hook function's name
    where: Span  # where it writes the header
    registration: str  # "CORS(app)", "@cross_origin() on 'view'"
    registration_where: Span
    runs_first: bool  # the hook runs before flask-cors's hook (it was registered later)
    routes: Tuple[str, ...]  # "GET /data", a few, sorted
    count: int  # how many routes
    witness: str  # a request path of one of them


@dataclass(frozen=True)
class Policy:
    """Every flask-cors registration in one module, in source order, and the
    module's writes to ``app.config``."""

    registrations: Tuple[Registration, ...]
    config: Tuple[ConfigEntry, ...] = ()
    handwritten: Tuple["FunctionHeaders", ...] = ()  # CORS headers written by hand, per function
    hook_conflicts: Tuple[HookConflict, ...] = ()  # hand-written headers against flask-cors, from the app model
    config_reads: FrozenSet[str] = frozenset()  # CORS_* keys the module's own code reads from app.config
    trusted_origins: Tuple[str, ...] = ()  # the run's ``trusted-origins`` setting (CRS111)
    # The request paths of the routes each registration answers (a sample path
    # per rule, None when the rule is not known), by the place of its call;
    # None when the application model could not be built. Fixes that narrow a
    # resource pattern are safe only when no route loses its policy.
    route_paths: "Optional[Tuple[Tuple[Span, Tuple[Optional[str], ...]], ...]]" = None
    # The flask-cors releases the project allows and the advisories its apps
    # make reachable (CRS6xx); None when no allowed release has an advisory.
    flask_cors: "Optional[VersionAssessment]" = None

    @property
    def active(self) -> Tuple[Registration, ...]:
        """The registrations that take effect at run time."""
        return tuple(registration for registration in self.registrations if registration.inactive is None)


# Registrations built by the application model, by the place of their call.
LinkedRegistrations = Dict[Span, Tuple[Registration, ...]]


class NotConcrete(Exception):
    def __init__(self, unknown: Unknown) -> None:
        super().__init__(unknown.reason)
        self.unknown = unknown


def concrete(value: Value) -> Any:
    """The Python object flask-cors would receive, or NotConcrete."""
    if isinstance(value, Unknown):
        raise NotConcrete(value)
    inner = value.value
    if isinstance(inner, Pattern):
        try:
            return re.compile(inner.source, inner.flags)
        except re.error as error:
            raise NotConcrete(Unknown(f"re.compile() raises re.error ({error}) when the module loads", value.where))
    if isinstance(inner, Duration):
        return timedelta(seconds=inner.seconds)
    if isinstance(inner, Sequence):
        items = [concrete(item) for item in inner.items]
        if inner.kind == "tuple":
            return tuple(items)
        if inner.kind == "set":
            # Source order, duplicates dropped: a set's own order depends on
            # the hash seed; flask-cors sorts wherever the order shows.
            unique: List[Any] = []
            for item in items:
                if item not in unique:
                    unique.append(item)
            return unique
        return items
    if isinstance(inner, Mapping):
        return {concrete(key): concrete(item) for key, item in inner.items}
    return inner


def build_policy(
    sites: Sites,
    evaluator: Evaluator,
    linked: "Optional[LinkedRegistrations]" = None,
    conflicts: Tuple[HookConflict, ...] = (),
) -> Policy:
    """The module's registrations. Those the application model has built in
    their app's context (``linked``, by the place of the call) replace the
    module-local reading: their config comes from wherever the app's config
    is written, and ``cors.init_app`` finds its ``CORS()`` in another module."""
    linked = linked or {}
    config = tuple(entry for write in sites.config_writes for entry in config_entries(write, evaluator))
    registrations: List[Registration] = []
    for extension in sites.extensions:
        if extension.where in linked:
            registrations.extend(linked[extension.where])
        elif extension.app is not None:
            layers = _config_layers(
                config, extension.app, extension.scope, extension.where, extension.app in sites.blueprints, extension.shared
            )
            layers += (option_layer("CORS()", extension.arguments, evaluator),)
            registrations.append(
                extension_registration(
                    f"CORS({extension.app})", extension.where, extension.app, extension.scope, layers,
                    extension.app in sites.blueprints, extension.branch,
                )
            )
    for init_app in sites.init_apps:
        if init_app.where in linked:
            registrations.extend(linked[init_app.where])
            continue
        on_blueprint = init_app.app in sites.blueprints
        layers = _config_layers(config, init_app.app or "", init_app.scope, init_app.where, on_blueprint, init_app.shared)
        layers += (
            option_layer("CORS()", init_app.constructor.arguments, evaluator),
            option_layer("init_app()", init_app.arguments, evaluator),
        )
        registrations.append(
            extension_registration(
                f"init_app({init_app.app})", init_app.where, init_app.app, init_app.scope, layers, on_blueprint, init_app.branch
            )
        )
    for foreign in sites.foreign_init_apps:
        registrations.extend(linked.get(foreign.where, ()))
    for decorator in sites.decorators:
        if decorator.where in linked:
            registrations.extend(linked[decorator.where])
        else:
            registrations.append(_decorator(decorator, evaluator, config, sites.routes))
    registrations.sort(key=lambda registration: registration.where)
    # Imported here: it evaluates, so it needs the parser; rules and formatters do not.
    from cors_lint.model.headers import build_header_policy

    here = tuple(conflict for conflict in conflicts if conflict.where.path == evaluator.index.path)
    reads = frozenset(CONFIG_READ.findall(evaluator.index.text)) if "CORS_" in evaluator.index.text else frozenset()
    return Policy(tuple(registrations), config, build_header_policy(sites.header_writes, evaluator), here, reads)


# ``app.config.get("CORS_X")`` or ``app.config["CORS_X"]`` read (not written) by
# the app's own code: a key the app uses itself, though flask-cors does not.
CONFIG_READ = re.compile(r"""config(?:\.get\(\s*|\[\s*)[rRuU]?['"](CORS_\w+)['"](?!\s*\]\s*=[^=])""")


def config_entries(write: ConfigWrite, evaluator: Evaluator) -> List[ConfigEntry]:
    """One entry a key; ``from_object``/``from_pyfile`` are followed into the
    project module or file they load."""
    if write.loads is None:
        return [_config_entry(write, evaluator)]
    loaded = evaluator.loaded_config(write.loads, write.where)
    if isinstance(loaded, Unknown):
        return [ConfigEntry(write.app, write.scope, None, loaded, write.where, write.happens_at, loaded, write.shared)]
    entries = []
    for key, value in loaded:
        if write.conditional:
            value = Unknown(f"{key} is set conditionally", write.where)
        entries.append(ConfigEntry(write.app, write.scope, key, value, value.where, write.happens_at, None, write.shared))
    return entries


def _config_entry(write: ConfigWrite, evaluator: Evaluator) -> ConfigEntry:
    if write.opaque is not None:
        unknown = Unknown(write.opaque, write.where)
        return ConfigEntry(write.app, write.scope, None, unknown, write.where, write.happens_at, unknown, write.shared)
    if write.conditional:
        value: Value = Unknown(f"{write.key} is set conditionally", write.where)
    elif write.value is None:
        value = Unknown(f"{write.key} has no value", write.where)
    else:
        value = evaluator.evaluate(write.value)
    return ConfigEntry(write.app, write.scope, write.key, value, write.where, write.happens_at, None, write.shared)


def _config_layers(
    config: Tuple[ConfigEntry, ...], app: str, context: str, before: Span, on_blueprint: bool, shared: bool
) -> Tuple[OptionLayer, ...]:
    """What ``CORS(app)``/``init_app`` reads from ``app.config``: the writes to
    that app in the same function that happen before it. A blueprint has no
    config: flask-cors reads none."""
    if on_blueprint:
        return ()
    # Writes to an app of the same name in another function may or may not
    # reach this registration: the keys they write are unknown, not ignored.
    elsewhere = tuple(
        GivenOption(entry.option, Unknown(f"{entry.key} is also written in another function", entry.where), entry.where)
        for entry in config
        if entry.app == app and entry.context != context and entry.option is not None and entry.shared and shared
    )
    layers = (OptionLayer("app.config elsewhere", elsewhere, None),) if elsewhere else ()
    entries = [entry for entry in config if entry.app == app and entry.context == context and entry.happens_at < before]
    return layers + ((config_layer(entries),) if entries else ())


def config_layer(entries: List[ConfigEntry]) -> OptionLayer:
    given = []
    opaque = None
    for entry in entries:
        if entry.opaque is not None:
            opaque = entry.opaque
        elif entry.option is not None and not (isinstance(entry.value, Known) and entry.value.value is None):
            # flask-cors skips config values that are None.
            given.append(GivenOption(entry.option, entry.value, entry.where))
    return OptionLayer("app.config", tuple(given), opaque)


def option_layer(label: str, arguments: Tuple[Argument, ...], evaluator: Evaluator, positional_ignored: bool = False) -> OptionLayer:
    given: List[GivenOption] = []
    ignored: List[IgnoredArgument] = []
    opaque: Optional[Unknown] = None
    for argument in arguments:
        if argument.name is not None:
            given.append(GivenOption(argument.name, evaluator.evaluate(argument.value), argument.where))
        elif argument.star == "**":
            unpacked = evaluator.evaluate(argument.value)
            if isinstance(unpacked, Known) and isinstance(unpacked.value, Mapping):
                for key, value in unpacked.value.items:
                    if isinstance(key, Known) and isinstance(key.value, str):
                        given.append(GivenOption(key.value, value, key.where))
                    else:
                        opaque = Unknown("a '**' key that is not a known string", argument.where)
            else:
                reason = unpacked.reason if isinstance(unpacked, Unknown) else "not a dict"
                opaque = Unknown(f"options unpacked from '**' ({reason})", argument.where)
        elif positional_ignored:
            ignored.append(IgnoredArgument("positional argument", argument.where))
        else:
            ignored.append(IgnoredArgument("extra positional argument (CORS() takes only the app)", argument.where))
    return OptionLayer(label, tuple(given), opaque, tuple(ignored))


def _merge(
    layers: Tuple[OptionLayer, ...], registration_where: Span, behaviour: Optional[Behaviour] = None
) -> Dict[str, Setting]:
    """flask-cors's precedence: defaults, then each layer; ``**`` that could
    not be evaluated makes every option it might set unknown. An option the
    release does not read is ignored, like a misspelt one."""
    settings = {
        name: Setting(name, Known(default, registration_where), "default", registration_where)
        for name, default in _default_values(registration_where, behaviour).items()
    }
    for layer in layers:
        explicit = {option.name for option in layer.given}
        if layer.opaque is not None:
            for name in settings:
                if name not in explicit:
                    settings[name] = Setting(name, layer.opaque, layer.label, layer.opaque.where)
        for option in layer.given:
            if option.name in settings:
                settings[option.name] = Setting(option.name, option.value, layer.label, option.where)
    return settings


def _default_values(where: Span, behaviour: Optional[Behaviour] = None) -> Dict[str, Any]:
    """flask-cors's defaults as values of the value domain."""
    values: Dict[str, Any] = {}
    defaults = flaskcors.DEFAULT_OPTIONS if behaviour is None else flaskcors.default_options(behaviour)
    for name, default in defaults.items():
        if isinstance(default, list):
            values[name] = Sequence("list", tuple(Known(item, where) for item in default))
        else:
            values[name] = default
    return values


def _compute(
    settings: Dict[str, Setting], skip: Tuple[str, ...] = ()
) -> Tuple[Optional[ComputedOptions], Optional[StartupError], Optional[Unknown]]:
    try:
        raw = {name: concrete(setting.value) for name, setting in settings.items() if name not in skip}
    except NotConcrete as missing:
        return None, None, missing.unknown
    try:
        return flaskcors.serialize_options(raw), None, None
    except StartupError as failure:
        return None, failure, None
    except TypeError as error:  # flask-cors itself would fail on such values
        return None, StartupError("type-error", f"flask-cors raises TypeError ({error})"), None


def extension_registration(
    label: str,
    where: Span,
    app: Optional[str],
    context: str,
    layers: Tuple[OptionLayer, ...],
    on_blueprint: bool,
    branch: Branch = (),
    behaviour: Optional[Behaviour] = None,
) -> Registration:
    merged = _merge(layers, where, behaviour)
    _, top_failure, _ = _compute(merged)
    resources_setting = merged["resources"]
    scopes: List[Scope] = []
    resource_entries, resources_failure = _resource_entries(resources_setting, behaviour)
    failure = top_failure or resources_failure
    if resource_entries is None:
        # Which patterns, or in which order, is not known: one scope stands for
        # all of them, with the options given outside ``resources``.
        unknown = first_unknown(resources_setting.value) or Unknown("resources are not known", resources_setting.where)
        scopes.append(Scope(resources_setting.value, tuple(merged.values()), None, None, unknown))
    else:
        for pattern, resource_layer in resource_entries:
            settings = _merge(layers + ((resource_layer,) if resource_layer else ()), where, behaviour)
            # The options of one resource do not depend on the resources
            # setting itself (serialize_options never reads it): computing it
            # again for each of N resources made the work N squared.
            computed, scope_failure, unknown = _compute(settings, skip=("resources",))
            scopes.append(Scope(pattern, tuple(settings.values()), computed, scope_failure, unknown, resource_layer))
    return Registration(
        "extension", label, where, app, context, layers, tuple(merged.values()), tuple(scopes), failure, on_blueprint,
        branch=branch, behaviour=behaviour,
    )


def under_release(registration: Registration, behaviour: Behaviour) -> Registration:
    """The same registration as another flask-cors release builds it, from
    the same layers: that release's defaults and option names, its order of
    the resources, its path matching (``scope_for`` and ``predict`` read
    ``registration.behaviour``)."""
    if registration.kind == "extension":
        return extension_registration(
            registration.label, registration.where, registration.app, registration.context, registration.layers,
            registration.on_blueprint, registration.branch, behaviour,
        )
    settings = _merge(registration.layers, registration.where, behaviour)
    computed, failure, unknown = _compute(settings)
    scope = Scope(None, tuple(settings.values()), computed, failure, unknown)
    return dataclasses.replace(registration, settings=scope.settings, scopes=(scope,), behaviour=behaviour)


def _resource_entries(
    setting: Setting, behaviour: Optional[Behaviour] = None
) -> Tuple[Optional[List[Tuple[Value, Optional[OptionLayer]]]], Optional[StartupError]]:
    """The resource patterns with their own options, in the release's order
    (a release is rebuilt from the layers, so the order as written is never
    lost); None when the order or the patterns are not known."""
    value = setting.value
    if isinstance(value, Unknown):
        return None, None
    inner = value.value
    if isinstance(inner, Mapping):
        entries: List[Tuple[Value, Optional[OptionLayer]]] = []
        for key, options in inner.items:
            if isinstance(key, Unknown):
                return None, None
            entries.append((_fixed_resource(key), _resource_layer(key, options)))
        try:
            keys = [concrete(pattern) for pattern, _ in entries]
            order = sorted(range(len(entries)), key=lambda i: flaskcors.resource_sort_key(keys[i], behaviour))
        except (NotConcrete, TypeError):
            return None, None
        return [entries[i] for i in order], None
    if isinstance(inner, (str, Pattern)):
        return [(_fixed_resource(value), None)], None
    if isinstance(inner, Sequence):
        return [(_fixed_resource(item), None) for item in inner.items], None
    return None, StartupError("bad-resources", f"flask-cors raises ValueError: resources={inner!r} is not a pattern, list or dict")


def _fixed_resource(value: Value) -> Value:
    """flask-cors reads the resource ``"*"`` as ``.*``."""
    if isinstance(value, Known) and value.value == "*":
        return Known(".*", value.where)
    return value


def _resource_layer(key: Value, options: Value) -> OptionLayer:
    label = f"resource {key.value!r}" if isinstance(key, Known) else "resource"
    if isinstance(options, Known) and isinstance(options.value, Mapping):
        given = []
        opaque = None
        for name, value in options.value.items:
            if isinstance(name, Known) and isinstance(name.value, str):
                given.append(GivenOption(name.value, value, name.where))
            else:
                opaque = Unknown("an option name that is not a known string", options.where)
        return OptionLayer(label, tuple(given), opaque)
    if isinstance(options, Unknown):
        return OptionLayer(label, (), options)
    return OptionLayer(label, (), Unknown(f"per-resource options {options.value!r} are not a dict", options.where))


def _decorator(
    decorator: DecoratorCall, evaluator: Evaluator, config: Tuple[ConfigEntry, ...], routes: Tuple[RouteDecorator, ...]
) -> Registration:
    view_routes = [route for route in routes if route.view == decorator.view and decorator.view is not None]
    below = [route for route in view_routes if decorator.position is not None and route.position > decorator.position]
    inactive = f"it is above @{below[0].app}.route, which registers the view without it" if below else None
    lowest = max(below, key=lambda route: route.position).where if below else None
    return decorator_registration(decorator, evaluator, _request_time_config(config, view_routes), inactive, route_below=lowest)


def decorator_registration(
    decorator: DecoratorCall,
    evaluator: Evaluator,
    config_layers: Tuple[OptionLayer, ...],
    inactive: Optional[str],
    context: Optional[str] = None,
    route_below: Optional[Span] = None,
) -> Registration:
    """``@cross_origin(...)``: its arguments over the app config it reads on
    every request (``config_layers``)."""
    view = f" on {decorator.view!r}" if decorator.view else ""
    layer = option_layer("cross_origin()", decorator.arguments, evaluator, positional_ignored=True)
    layers = config_layers + (layer,)
    settings = _merge(layers, decorator.where)
    computed, failure, unknown = _compute(settings)
    scope = Scope(None, tuple(settings.values()), computed, failure, unknown)
    return Registration(
        "decorator",
        f"@cross_origin(){view}",
        decorator.where,
        None,
        decorator.scope if context is None else context,
        layers,
        scope.settings,
        (scope,),
        None,
        inactive=inactive,
        route_below=route_below if inactive else None,
    )


def _request_time_config(config: Tuple[ConfigEntry, ...], routes: List[RouteDecorator]) -> Tuple[OptionLayer, ...]:
    """``@cross_origin`` reads ``current_app.config`` on every request: every
    write to the app that routes the view counts, whenever it happens."""
    cors_entries = [entry for entry in config if entry.option is not None or entry.opaque is not None]
    apps = {route.app for route in routes} or {entry.app for entry in cors_entries}
    if len(apps) == 1:
        (app,) = apps
        entries = [entry for entry in cors_entries if entry.app == app]
        return (config_layer(entries),) if entries else ()
    if cors_entries:  # several apps, and no route says which one serves the view
        given = tuple(
            GivenOption(entry.option, Unknown("the app that serves this view is not known", entry.where), entry.where)
            for entry in cors_entries
            if entry.option is not None
        )
        return (OptionLayer("app.config", given, None),)
    return ()

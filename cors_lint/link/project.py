"""The project: its modules, each parsed once, and what their names refer to
across module boundaries.

A name is followed through imports (absolute, relative, ``from m import *``,
re-exports), aliases (``application = app``), factory calls (``app =
create_app()`` gives the factory's app) and function parameters: a name that
is a parameter of ``register_extensions(app)`` stands for whatever the
callers pass, which the application linker finds through the calls.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, List, Optional, Tuple, Union

import libcst as cst

from cors_lint.evaluate.expressions import Evaluator
from cors_lint.find.flask_sites import (
    BLUEPRINT_NAMES,
    CORS_NAMES,
    RESTFUL_NAMES,
    FLASK_NAMES,
    Creation,
    FlaskSites,
    HelperCall,
    find_flask_sites,
)
from cors_lint.find.modules import ModuleLoader
from cors_lint.find.sites import Sites
from cors_lint.find.source import SourceIndex
from cors_lint.find.headers import REQUEST_NAMES
from cors_lint.find.visitor import find_sites

# Following a name through more hops than this means something unusual (or a
# generated maze): the name is left unresolved rather than followed forever.
MAX_HOPS = 400
REEXPORT_HOPS = 3
# Classes derived from Flask, Blueprint or CORS through at most this many bases.
MAX_CLASS_DEPTH = 8


@dataclass(frozen=True)
class ObjectRef:
    """A Flask app, blueprint or ``CORS()`` instance: the name it is bound to
    where it is created."""

    path: str  # the module's display path
    scope: str  # the function that creates it, "" at module level
    name: str
    kind: str  # "app", "blueprint" or "cors"


@dataclass(frozen=True)
class ParamRef:
    """A function parameter: it stands for what the callers pass."""

    path: str
    function: str
    name: str


@dataclass(frozen=True)
class FunctionRef:
    path: str
    function: str


@dataclass(frozen=True)
class ClassRef:
    path: str
    name: str  # dotted path of the class in its module


Ref = Union[ObjectRef, ParamRef, FunctionRef, ClassRef]


class Module:
    """One parsed module and the finder's facts about it (computed once)."""

    def __init__(self, file: Path, index: SourceIndex, loader: ModuleLoader) -> None:
        self.file = file
        self.index = index
        self.path = index.path
        self.loader = loader
        self.evaluator = Evaluator(index, loader)
        self._sites: Optional[Sites] = None
        self._flask: Optional[FlaskSites] = None

    @property
    def sites(self) -> Sites:
        if self._sites is None:
            self._sites = find_sites(self.index, REQUEST_NAMES | self._reexported_requests())
        return self._sites

    def _reexported_requests(self) -> FrozenSet[str]:
        """``from myapp.web import request`` where ``myapp/web.py`` has
        ``from flask import request``: Flask's request under a project name,
        followed a few re-exports deep."""
        found = set()
        _, bindings = self.index.lookup("request", "")  # the module's own import table
        for binding in bindings:
            name = binding.qualified_name or ""
            if binding.kind != "import" or name in REQUEST_NAMES or not name.endswith(".request"):
                continue
            dotted = name[: -len(".request")]
            if dotted.split(".")[0] != "flask" and _is_flask_request(self, dotted, self.loader, REEXPORT_HOPS):
                found.add(name)
        return frozenset(found)

    @property
    def flask(self) -> FlaskSites:
        if self._flask is None:
            self._flask = find_flask_sites(self.index)
        return self._flask


class Project:
    """The modules one analysis looks at, parsed on demand through a loader."""

    def __init__(self, loader: ModuleLoader) -> None:
        self.loader = loader
        self._modules: Dict[Path, Optional[Module]] = {}
        self._kinds: Dict[int, Optional[str]] = {}  # creations of project classes, by id: what they derive from

    def add(self, index: SourceIndex, file: Path) -> Module:
        """A module already parsed by the caller (a file being linted)."""
        module = Module(file, index, self.loader)
        self._modules[file] = module  # absolute, as the loader's keys
        self.loader.adopt(file, index)
        return module

    def module(self, file: Path) -> Optional[Module]:
        file = Path(os.path.abspath(file))
        if file not in self._modules:
            loaded = self.loader.load(file)
            self._modules[file] = Module(file, loaded.index, self.loader) if loaded is not None else None
        return self._modules[file]

    def modules(self) -> List[Module]:
        """Every module parsed so far, in a stable order."""
        return sorted((m for m in self._modules.values() if m is not None), key=lambda m: str(m.file))

    def by_path(self, path: str) -> Optional[Module]:
        for module in self._modules.values():
            if module is not None and module.path == path:
                return module
        return None

    def imported_module(self, importer: Module, dotted: str) -> Optional[Module]:
        located = self.loader.locate(str(importer.file), dotted)
        return self.module(located) if located is not None else None

    # Resolution --------------------------------------------------------------------------
    def resolve(self, module: Module, scope: str, expression: cst.BaseExpression, hops: int = 0) -> List[Ref]:
        """What an expression of ``module`` (read in ``scope``) refers to."""
        if hops > MAX_HOPS:
            return []
        if isinstance(expression, cst.Name):
            return self.resolve_name(module, scope, expression.value, hops)
        if isinstance(expression, cst.Attribute):
            for qualified in sorted(module.index.qualified_names(expression)):
                found = self.resolve_qualified(module, qualified, hops + 1)
                if found:
                    return found
        if isinstance(expression, cst.Call):
            return self._call_result(module, scope, expression, hops)
        return []

    def resolve_text(self, module: Module, scope: str, text: Optional[str]) -> List[Ref]:
        """The same for an expression the finder kept as text (``app``)."""
        if text is None or not text.replace(".", "").replace("_", "").isalnum():
            return []
        head, *attributes = text.split(".")
        if not attributes:
            return self.resolve_name(module, scope, head, 0)
        # ``ext.cors`` after ``import ext``: the head must be an imported module.
        _, bindings = module.index.lookup(head, scope)
        for binding in bindings:
            if binding.kind == "import" and binding.qualified_name:
                return self.resolve_qualified(module, binding.qualified_name + "." + ".".join(attributes), 1)
        return []

    def resolve_name(self, module: Module, scope: str, name: str, hops: int) -> List[Ref]:
        owner, bindings = module.index.lookup(name, scope)
        if not bindings:
            return self._star_imported(module, name, hops)
        refs: List[Ref] = []
        for binding in bindings:
            if binding.kind == "assign" and binding.value is not None:
                creation = self._creation(module, binding.value)
                if creation is not None:
                    refs.append(ObjectRef(module.path, owner, name, creation))
                else:
                    refs.extend(self.resolve(module, owner, binding.value, hops + 1))
            elif binding.kind == "import" and binding.qualified_name:
                refs.extend(self.resolve_qualified(module, binding.qualified_name, hops + 1))
            elif binding.kind == "definition" and isinstance(binding.definition, cst.FunctionDef):
                function = f"{owner}.{name}" if owner else name
                refs.append(FunctionRef(module.path, function))
            elif binding.kind == "definition" and isinstance(binding.definition, cst.ClassDef):
                refs.append(ClassRef(module.path, f"{owner}.{name}" if owner else name))
            elif binding.kind == "other":
                parameters = module.index.parameters(owner) if owner else None
                if parameters is not None and name in parameters:
                    refs.append(ParamRef(module.path, owner, name))
        return _unique(refs)

    def resolve_qualified(self, importer: Module, qualified: str, hops: int) -> List[Ref]:
        """``pkg.ext.cors`` (or ``.ext.cors``): the longest module prefix that is a
        project module, then the names after it."""
        if hops > MAX_HOPS:
            return []
        level = len(qualified) - len(qualified.lstrip("."))
        names = [part for part in qualified[level:].split(".") if part]
        for cut in range(len(names) - 1, -1, -1):
            dotted = "." * level + ".".join(names[:cut])
            target = self.imported_module(importer, dotted) if dotted else None
            if target is None:
                continue
            rest = names[cut:]
            if len(rest) == 1:
                return self.resolve_name(target, "", rest[0], hops + 1)
            # A submodule named through its package: ``pkg.sub.name``.
            return self.resolve_qualified(target, "." + ".".join(rest), hops + 1)
        return []

    def _star_imported(self, module: Module, name: str, hops: int) -> List[Ref]:
        for star in module.index.star_imports:
            target = self.imported_module(module, star)
            if target is not None and target is not module:
                found = self.resolve_name(target, "", name, hops + 1)
                if found:
                    return found
        return []

    def _creation(self, module: Module, value: cst.BaseExpression) -> Optional[str]:
        for creation in module.flask.creations:
            if creation.call is value:
                return self.kind_of(module, creation)
        return None

    def kind_of(self, module: Module, creation: "Creation") -> Optional[str]:
        """"app", "blueprint", "cors" or "restful" for an instance of Flask,
        Blueprint, CORS or Flask-RESTful's Api, or of a project class derived
        from one of them."""
        if creation.kind != "class":
            return creation.kind
        if id(creation) not in self._kinds:
            self._kinds[id(creation)] = self._class_kind(module, creation.scope, creation.call.func, 0)
        return self._kinds[id(creation)]

    def _class_kind(self, module: Module, scope: str, expression: cst.BaseExpression, depth: int) -> Optional[str]:
        if depth > MAX_CLASS_DEPTH:
            return None
        names = module.index.qualified_names(expression)
        for kind, known in (("app", FLASK_NAMES), ("blueprint", BLUEPRINT_NAMES), ("cors", CORS_NAMES), ("restful", RESTFUL_NAMES)):
            if names & known:
                return kind
        found = self.definition(module, scope, expression)
        if found is None or not isinstance(found[1], cst.ClassDef):
            return None
        class_module, definition = found
        for base in definition.bases:
            kind = self._class_kind(class_module, "", base.value, depth + 1)
            if kind is not None:
                return kind
        return None

    def _call_result(self, module: Module, scope: str, call: cst.Call, hops: int) -> List[Ref]:
        """``create_app()``: the objects the factory returns."""
        refs: List[Ref] = []
        for function in self.resolve(module, scope, call.func, hops + 1):
            if isinstance(function, FunctionRef):
                target = self.by_path(function.path)
                if target is None:
                    continue
                for returned in target.index.returned_names(function.function):
                    refs.extend(
                        ref
                        for ref in self.resolve_name(target, function.function, returned, hops + 1)
                        if isinstance(ref, ObjectRef)
                    )
        return _unique(refs)

    def is_known_object(self, module: Module, scope: str, expression: cst.BaseExpression, hops: int = 0) -> bool:
        """Is the name bound to something the tool can tell apart from a
        flask-cors object: the result of a call (``db = SQLAlchemy()``), a
        project module, or an object of a library, through imports? False
        when it is bound otherwise (a loop variable) or not found."""
        if hops > MAX_HOPS:
            return False
        if isinstance(expression, cst.Attribute):
            for qualified in sorted(module.index.qualified_names(expression)):
                dotted, _, name = qualified.rpartition(".")
                target = self.imported_module(module, dotted) if dotted else None
                if target is not None:
                    return self.is_known_object(target, "", cst.Name(name), hops + 1)
            return False
        if not isinstance(expression, cst.Name):
            return False
        _, bindings = module.index.lookup(expression.value, scope)
        if len(bindings) > 1:
            # Bound several times (``from x import t`` then ``t = t.T()``): a call
            # or an import among them says what it is.
            return bool({binding.kind for binding in bindings} & {"assign", "import"})
        if not bindings:
            return False
        binding = bindings[0]
        if binding.kind == "assign" and isinstance(binding.value, cst.Call):
            return True
        if binding.kind == "import" and binding.qualified_name:
            if self.imported_module(module, binding.qualified_name) is not None:
                return True  # a module of the project (``handlers.init_app(app)``)
            dotted, _, name = binding.qualified_name.rpartition(".")
            target = self.imported_module(module, dotted or ".")
            if target is not None:
                return self.is_known_object(target, "", cst.Name(name), hops + 1)
            return True  # an object of a library outside the project
        return False

    def definition(self, module: Module, scope: str, expression: cst.BaseExpression) -> Optional[Tuple[Module, cst.CSTNode]]:
        """The function or class an expression names, wherever it is defined."""
        for ref in self.resolve(module, scope, expression):
            if isinstance(ref, (FunctionRef, ClassRef)):
                target = self.by_path(ref.path)
                dotted = ref.function if isinstance(ref, FunctionRef) else ref.name
                owner, _, name = dotted.rpartition(".")
                if target is None:
                    continue
                _, bindings = target.index.lookup(name, owner)
                for binding in bindings:
                    if binding.definition is not None:
                        return target, binding.definition
        return None

    def calls_to(self, function: FunctionRef) -> Iterator[Tuple[Module, HelperCall]]:
        """Every call of ``function`` in the project's modules (the helper calls
        the finder listed: calls that pass names)."""
        for module in self.modules():
            for call in module.flask.helper_calls:
                if not _may_name(call.func, function.function.rpartition(".")[2]):
                    continue
                if function in self.resolve(module, call.scope, call.func):
                    yield module, call


def argument_for(args: Tuple[cst.Arg, ...], parameters: List[str], name: str) -> Optional[cst.BaseExpression]:
    """The expression a call passes for parameter ``name``."""
    for arg in args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    if name in parameters:
        position = parameters.index(name)
        positional = [arg for arg in args if arg.keyword is None and not arg.star]
        if position < len(positional):
            return positional[position].value
    return None


def _may_name(func: cst.BaseExpression, name: str) -> bool:
    """A cheap test before resolving: ``f(...)`` or ``m.f(...)`` for ``f``."""
    if isinstance(func, cst.Name):
        return func.value == name
    return isinstance(func, cst.Attribute) and func.attr.value == name


def _unique(refs: List[Ref]) -> List[Ref]:
    seen = []
    for ref in refs:
        if ref not in seen:
            seen.append(ref)
    return seen


def _is_flask_request(importer: "Module", dotted: str, loader: ModuleLoader, hops: int) -> bool:
    """Is ``request`` in the project module ``dotted`` (as ``importer``
    imports it) Flask's request?"""
    located = loader.locate(str(importer.file), dotted)
    loaded = loader.load(located) if located is not None else None
    if loaded is None:
        return False
    _, bindings = loaded.index.lookup("request", "")
    for binding in bindings:
        if binding.kind != "import" or not binding.qualified_name:
            continue
        if binding.qualified_name in REQUEST_NAMES:
            return True
        source = binding.qualified_name.rpartition(".")[0]
        if hops > 0 and source and source.split(".")[0] != "flask":
            return _is_flask_request(Module(Path(located), loaded.index, loader), source, loader, hops - 1)  # type: ignore[arg-type]
    return False

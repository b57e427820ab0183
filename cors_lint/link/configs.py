"""Config chosen by name: ``app.config.from_object(config[config_name])``
with ``config = {"development": DevConfig, "production": ProdConfig}``.

Each named config is an alternative; the one the factory's default argument
names (``def create_app(config_name="production")``) is the policy the app
has when it is created without arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

import libcst as cst

from cors_lint.evaluate.values import Known
from cors_lint.link.project import MAX_HOPS, Module, Project


@dataclass(frozen=True, eq=False)
class NamedConfig:
    name: str  # the key: "production"
    label: str  # the class: "ProductionConfig"
    module: Module  # where the class is defined
    attributes: Tuple[Tuple[str, cst.BaseExpression, cst.Name], ...]  # what from_object reads


@dataclass(frozen=True, eq=False)
class ConfigChoice:
    configs: Tuple[NamedConfig, ...]
    default: Optional[str]  # the key used when the factory gets no argument


def named_configs(project: Project, module: Module, scope: str, subscript: cst.Subscript) -> Optional[ConfigChoice]:
    found = _dict_literal(project, module, scope, subscript.value, 0)
    if found is None:
        return None
    dict_module, literal = found
    configs: List[NamedConfig] = []
    for element in literal.elements:
        if not isinstance(element, cst.DictElement):
            return None
        key = dict_module.evaluator.evaluate(element.key)
        if not (isinstance(key, Known) and isinstance(key.value, str)):
            return None
        definition = project.definition(dict_module, "", element.value)
        if definition is None or not isinstance(definition[1], cst.ClassDef):
            return None
        class_module, class_def = definition
        attributes = class_module.index.class_attributes(class_def.name.value)
        if attributes is None:
            return None
        configs.append(NamedConfig(key.value, class_def.name.value, class_module, tuple(attributes)))
    index = subscript.slice[0].slice
    default = _chosen_key(module, scope, index.value) if isinstance(index, cst.Index) else None
    return ConfigChoice(tuple(configs), default)


def _dict_literal(project: Project, module: Module, scope: str, expression: cst.BaseExpression, hops: int) -> Optional[Tuple[Module, cst.Dict]]:
    """The dict literal a name is bound to, following imports."""
    if hops > MAX_HOPS:
        return None
    if isinstance(expression, cst.Dict):
        return module, expression
    if not isinstance(expression, cst.Name):
        return None
    _, bindings = module.index.lookup(expression.value, scope)
    if len(bindings) != 1:
        return None
    binding = bindings[0]
    if binding.kind == "assign" and binding.value is not None:
        return _dict_literal(project, module, scope, binding.value, hops + 1)
    if binding.kind == "import" and binding.qualified_name:
        dotted, _, name = binding.qualified_name.rpartition(".")
        target = project.imported_module(module, dotted or ".")
        if target is not None:
            return _dict_literal(project, target, "", cst.Name(name), hops + 1)
    return None


def _chosen_key(module: Module, scope: str, key: cst.BaseExpression) -> Optional[str]:
    """A literal key, or a factory parameter's default."""
    value = module.evaluator.evaluate(key)
    if isinstance(value, Known) and isinstance(value.value, str):
        return value.value
    if isinstance(key, cst.Name):
        function = module.index.function(scope)
        if function is not None:
            for param in (*function.params.params, *function.params.kwonly_params):
                if param.name.value == key.value and param.default is not None:
                    default = module.evaluator.evaluate(param.default)
                    if isinstance(default, Known) and isinstance(default.value, str):
                        return default.value
    return None

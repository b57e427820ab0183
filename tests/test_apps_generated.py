"""Generated multi-module applications against the running app.

Hypothesis draws where the CORS object, the config and the routes live
(factory, extensions module, helper module, module-level app), which config
mechanism sets the ``CORS_*`` keys (``app.config[...]``, a config class,
a settings module by import string, ``from_mapping``), whether the config is
written before or after the registration, blueprints with prefixes,
``@cross_origin`` views and a hand-written hook before or after flask-cors,
origins written through an environment variable and reassigned or chosen
in a branch, Flask-RESTful resources (a decorated method among others), and
a catch-all route that also serves paths of the resources.
Each app is written as a package, analysed by cors-lint, imported, and every
route is asked, through Flask's test client, what it answers to a set of
origins; the policy's prediction must be the same.
"""

from __future__ import annotations

import itertools
import sys
import textwrap
from pathlib import Path
from typing import Dict, List

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_apps_oracle import disagreements

ORIGIN_VALUES = [
    '"https://a.example.com"',
    '["https://a.example.com", "https://b.example.com"]',
    'r"https://.*\\.example\\.com"',
    '"*"',
    '["https://a.example.com", "null"]',
    '"http://a.example.com"',
]
COUNTER = itertools.count()


@st.composite
def shapes(draw) -> Dict[str, object]:
    return {
        "cors_in": draw(st.sampled_from(["factory", "extensions", "helper", "module"])),
        "config": draw(st.sampled_from(["none", "item", "class", "import_string", "mapping"])),
        "config_first": draw(st.booleans()),
        "config_origins": draw(st.sampled_from(ORIGIN_VALUES)),
        "config_credentials": draw(st.booleans()),
        "option_origins": draw(st.one_of(st.none(), st.sampled_from(ORIGIN_VALUES))),
        "option_credentials": draw(st.sampled_from([None, True, False])),
        "resources": draw(st.sampled_from([None, 'r"/api/*"', '{r"/api/*": {"origins": "https://c.example.com"}}'])),
        "blueprint_prefix": draw(st.sampled_from([None, "/api", "/api/v2"])),
        "decorated": draw(st.sampled_from([None, "", 'origins="https://d.example.com"', "supports_credentials=True"])),
        "hook": draw(st.sampled_from([None, "before", "after"])),
        "origins_flow": draw(st.sampled_from([None, "reassigned", "branch"])),
        "restful": draw(st.booleans()),
        "catch_all": draw(st.booleans()),
    }


def _options(shape) -> str:
    parts = []
    if shape["option_origins"] is not None:
        parts.append(f"origins={shape['option_origins']}")
    if shape["option_credentials"] is not None:
        parts.append(f"supports_credentials={shape['option_credentials']}")
    if shape["resources"] is not None:
        parts.append(f"resources={shape['resources']}")
    return ", ".join(parts)


def write_app(root: Path, shape) -> str:
    """The package for one shape; returns its name."""
    name = f"genapp_{next(COUNTER)}"
    package = root / name
    package.mkdir(parents=True)
    (root / "setup.cfg").write_text("")
    files: Dict[str, str] = {}
    keys = {"CORS_ORIGINS": shape["config_origins"], "CORS_SUPPORTS_CREDENTIALS": str(shape["config_credentials"])}
    config_lines: List[str] = []
    flow = _origins_flow(shape.get("origins_flow"), shape["config_origins"])
    if shape["config"] == "item":
        if flow:
            keys["CORS_ORIGINS"] = "origins"
        config_lines = ["import os", *flow] + [f'app.config["{key}"] = {value}' for key, value in keys.items()]
    elif shape["config"] == "class":
        files["config.py"] = "class Config:\n" + "".join(f"    {key} = {value}\n" for key, value in keys.items())
        config_lines = ["from .config import Config", "app.config.from_object(Config)"]
    elif shape["config"] == "import_string":
        lines = [f"{key} = {value}" for key, value in keys.items()]
        if flow:
            lines[0] = "CORS_ORIGINS = origins"
        files["settings.py"] = "\n".join(["import os", *flow, *lines]) + "\n"
        config_lines = [f'app.config.from_object("{name}.settings")']
    elif shape["config"] == "mapping":
        items = ", ".join(f'"{key}": {value}' for key, value in keys.items())
        config_lines = [f"app.config.from_mapping({{{items}}})"]
    options = _options(shape)
    if shape["cors_in"] == "extensions":
        files["extensions.py"] = "from flask_cors import CORS\n\ncors = CORS(max_age=60)\n"
        register = [f"cors.init_app(app{', ' + options if options else ''})"]
        imports = ["from .extensions import cors"]
    elif shape["cors_in"] == "helper":
        files["helpers.py"] = f"from flask_cors import CORS\n\n\ndef setup_cors(app):\n    CORS(app{', ' + options if options else ''})\n"
        register = ["setup_cors(app)"]
        imports = ["from .helpers import setup_cors"]
    else:
        register = [f"CORS(app{', ' + options if options else ''})"]
        imports = ["from flask_cors import CORS"]
    setup = config_lines + register if shape["config_first"] else register + config_lines
    hook_lines: List[str] = []
    if shape["hook"] is not None:
        files["hooks.py"] = textwrap.dedent(
            """\
            from flask import request

            PARTNERS = {"https://partner.example.net", "https://a.example.com"}


            def partner_cors(response):
                origin = request.headers.get("Origin")
                if origin in PARTNERS:
                    response.headers["Access-Control-Allow-Origin"] = origin
                    response.headers["Vary"] = "Origin"
                return response
            """
        )
        imports.append("from .hooks import partner_cors")
        hook_lines = ["app.after_request(partner_cors)"]
        setup = hook_lines + setup if shape["hook"] == "before" else setup + hook_lines
    decorated = shape["decorated"]
    views = ["from flask import Blueprint", "from flask_cors import cross_origin", "", 'bp = Blueprint("bp", __name__)', ""]
    views += ['@bp.route("/api/things", methods=["GET", "POST"])']
    if decorated is not None:
        views.append(f"@cross_origin({decorated})")
    views += ["def things():", '    return "things"', "", "", '@bp.route("/other")', "def other():", '    return "other"', ""]
    if shape.get("restful"):
        views += ["from flask_restful import Api, Resource", "", 'api = Api(bp, prefix="/rest")', "", "", "class Thing(Resource):"]
        if decorated is not None:
            views.append(f"    @cross_origin({decorated})")
        views += ["    def get(self, number=None):", '        return {"thing": 1}', "", "    def post(self, number=None):", '        return {"made": 1}', ""]
        views += ['api.add_resource(Thing, "/thing", "/thing/<int:number>")', ""]
    files["views.py"] = "\n".join(views)
    prefix = shape["blueprint_prefix"]
    register_bp = f"app.register_blueprint(bp{', url_prefix=' + repr(prefix) if prefix else ''})"
    body = ["app = Flask(__name__)", *setup, "from .views import bp", register_bp, "", '@app.route("/api/root")', "def root():", '    return "root"']
    if shape.get("catch_all"):  # a single-page app's route for every other path
        body += ["", '@app.route("/<path:page>")', "def page(page):", '    return "page"']
    header = ["from flask import Flask", *imports, "", ""]
    if shape["cors_in"] == "module":
        init = "\n".join(header + body) + "\n"
    else:
        indented = "\n".join("    " + line if line else "" for line in body + ["return app"])
        init = "\n".join(header + ["def create_app():", indented]) + "\n"
    files["__init__.py"] = init
    for filename, text in files.items():
        (package / filename).write_text(text)
    return name


def _origins_flow(flow, value: str) -> List[str]:
    """Statements that set ``origins`` to ``value`` wherever GENAPP_* are unset."""
    if flow == "reassigned":
        return [f'origins = os.environ.get("GENAPP_ORIGINS", {value})', 'if origins == "never":', '    origins = "https://z.example.com"']
    if flow == "branch":
        return ['if os.getenv("GENAPP_MODE") == "strict":', '    origins = ["https://strict.example.com"]', "else:", f"    origins = {value}"]
    return []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(shape=shapes())
def test_generated_apps_answer_as_predicted(shape, tmp_path_factory) -> None:
    root = tmp_path_factory.mktemp("generated")
    write_app(root, shape)
    sys.path.insert(0, str(root))
    before = set(sys.modules)
    try:
        problems = disagreements(root)
    finally:
        sys.path.remove(str(root))
        for module in set(sys.modules) - before:
            del sys.modules[module]
    assert problems == [], (shape, problems[:5])


def test_a_generated_app_imports(tmp_path: Path) -> None:
    """The generator writes apps Flask can run (a guard for the test itself)."""
    shape = {
        "cors_in": "extensions", "config": "class", "config_first": True, "config_origins": ORIGIN_VALUES[0],
        "config_credentials": True, "option_origins": None, "option_credentials": None, "resources": None,
        "blueprint_prefix": "/api", "decorated": "", "hook": "after", "origins_flow": "branch", "restful": True, "catch_all": True,
    }
    write_app(tmp_path, shape)
    sys.path.insert(0, str(tmp_path))
    try:
        assert disagreements(tmp_path) == []
    finally:
        sys.path.remove(str(tmp_path))


"""The link stage on shapes seen in public applications: what is an app, what
is a CORS registration, which routes exist, which arm of an ``if`` holds."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Dict

from cors_lint import lint_paths
from cors_lint.applications import analyse_paths
from cors_lint.find.modules import project_root


def _project(root: Path, files: Dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "setup.cfg").write_text("")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def _routes(root: Path) -> Dict[str, str]:
    (app,) = analyse_paths([str(root)]).model.apps
    return {route.rule: route.cors for route in app.routes if route.endpoint != "static"}


def test_an_extension_that_cannot_be_followed_makes_the_policy_unknown(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/ext.py": "from flask_cors import CORS\n\ncors = CORS()\ndb = object()\n",
            "pkg/app.py": """\
                from flask import Flask
                from pkg.ext import cors, db


                def create_app():
                    app = Flask(__name__)
                    for extension in (db, cors):
                        extension.init_app(app)

                    @app.route("/x")
                    def x():
                        return "x"

                    return app
                """,
        },
    )
    assert _routes(root) == {"/x": "unknown"}


def test_another_extensions_init_app_is_not_a_registration(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/models.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
            "pkg/app.py": """\
                from flask import Flask
                from pkg.models import db


                def create_app():
                    app = Flask(__name__)
                    db.init_app(app)

                    @app.route("/x")
                    def x():
                        return "x"

                    return app
                """,
        },
    )
    assert _routes(root) == {"/x": "none"}


def test_an_instance_of_a_cors_subclass_registers_cors(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/ext.py": "from flask_cors import CORS\n\n\nclass AppCORS(CORS):\n    pass\n\n\ncors = AppCORS()\n",
            "pkg/app.py": """\
                from flask import Flask
                from pkg.ext import cors


                def create_app():
                    app = Flask(__name__)
                    cors.init_app(app, supports_credentials=True)

                    @app.route("/x")
                    def x():
                        return "x"

                    return app
                """,
        },
    )
    assert _routes(root) == {"/x": "flask-cors"}
    assert [(Path(f.path).name, f.code) for f in lint_paths([str(root)], jobs=1).findings] == [("app.py", "CRS101")]


def test_a_packages_setup_module_marks_no_project(tmp_path: Path) -> None:
    (tmp_path / "repo" / "pkg" / "handlers").mkdir(parents=True)
    (tmp_path / "repo" / "setup.cfg").write_text("")
    (tmp_path / "repo" / "pkg" / "__init__.py").write_text("")
    (tmp_path / "repo" / "pkg" / "handlers" / "__init__.py").write_text("")
    (tmp_path / "repo" / "pkg" / "handlers" / "setup.py").write_text("# a views module\n")
    assert project_root(tmp_path / "repo" / "pkg" / "handlers" / "views.py") == tmp_path / "repo"


def test_routes_in_a_module_nothing_imports_do_not_exist(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "web/__init__.py": """\
                from flask import Blueprint, Flask
                from flask_cors import CORS

                api = Blueprint("api", __name__)
                from web import live  # noqa: E402,F401

                app = Flask(__name__)
                CORS(app, origins=["https://a.example.com"])
                app.register_blueprint(api, url_prefix="/api")
                """,
            "web/live.py": 'from web import api\n\n\n@api.route("/live")\ndef live():\n    return "x"\n',
            "web/dead.py": 'from web import api\n\n\n@api.route("/dead")\ndef dead():\n    return "x"\n',
        },
    )
    assert _routes(root) == {"/api/live": "flask-cors"}


def test_the_arm_without_a_registration_names_its_whole_condition(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "app.py": """\
                import os

                from flask import Flask
                from flask_cors import CORS

                app = Flask(__name__)
                if os.environ.get("MODE") == "dev":
                    CORS(app)
                elif os.environ.get("MODE") == "stage":
                    CORS(app, origins=["https://stage.example.com"])


                @app.route("/x")
                def x():
                    return "x"
                """,
        },
    )
    (app,) = analyse_paths([str(root)]).model.apps
    (route,) = [route for route in app.routes if route.rule == "/x"]
    none = [alternative.when for alternative in route.alternatives if alternative.registration is None]
    assert none == ['when not `os.environ.get("MODE") == "dev"`, when not `os.environ.get("MODE") == "stage"`']


def test_another_extension_bound_twice_is_not_a_registration(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/security.py": """\
                from flask_talisman import talisman

                talisman = talisman.Talisman()


                def init_app(app):
                    talisman.init_app(app, force_https=True)
                """,
            "pkg/app.py": """\
                from flask import Flask
                from flask_cors import CORS
                from pkg import security

                app = Flask(__name__)
                CORS(app, origins=["https://a.example.com"])
                security.init_app(app)
                """,
        },
    )
    assert [f.code for f in lint_paths([str(root)], jobs=1).findings] == []


def test_findings_on_routes_with_unknown_rules_are_reported(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "app.py": """\
                import os

                from flask import Blueprint, Flask
                from flask_cors import CORS

                api = Blueprint("api", __name__, url_prefix=os.environ.get("PREFIX"))


                @api.route("/items")
                def items():
                    return "[]"


                app = Flask(__name__)
                CORS(app)
                app.register_blueprint(api)
                """,
        },
    )
    (finding,) = lint_paths([str(root)], jobs=1).findings
    assert finding.code == "CRS102" and "GET <unknown rule>" in finding.message


def test_a_finding_counts_every_route_and_names_each_text_once() -> None:
    """51 routes whose rule is unknown are 51 routes, shown as one example at one place."""
    from cors_lint.evaluate.values import Span
    from cors_lint.findings import Finding, Related, Severity, with_routes

    exposes = tuple(Related("app.py", line, 1, "exposes GET <unknown rule>") for line in range(10, 61))
    exposes += (Related("app.py", 5, 1, "exposes GET /static/<path:filename>"),)
    finding = Finding("CRS102", "any-origin", Severity.WARNING, Span(1, 1, 1, 5), "Any origin.", exposes=exposes)
    (described,) = with_routes([finding])
    assert described.message == "Any origin (on 52 routes, e.g. GET /static/<path:filename>, GET <unknown rule>)."
    assert [(related.line, related.message) for related in described.related] == [
        (5, "exposes GET /static/<path:filename>"),
        (10, "exposes GET <unknown rule>"),
    ]


def test_a_failure_while_linking_is_an_internal_error_finding_not_a_crash(tmp_path, monkeypatch) -> None:
    from cors_lint import lint_paths
    from cors_lint.link import apps

    (tmp_path / "app.py").write_text("from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app, origins='*')\n")

    def broken(self):
        raise ValueError("a bug")

    monkeypatch.setattr(apps.Linker, "link", broken)
    codes = sorted(finding.code for finding in lint_paths([str(tmp_path / "app.py")], jobs=1, timeout=0).findings)
    assert codes == ["CRS002", "CRS102"]  # the file's own reading still runs
    from cors_lint.engine import policy_of

    policy = policy_of((tmp_path / "app.py").read_bytes(), str(tmp_path / "app.py"))  # the fix's re-analysis path
    assert [registration.label for registration in policy.registrations] == ["CORS(app)"]


def test_a_named_configs_finding_counts_the_routes_it_would_expose() -> None:
    """The config chosen by name is the default one; the other named config's
    value, an alternative on every route, counts those routes too."""
    from pathlib import Path

    from cors_lint import lint_paths

    app = Path(__file__).resolve().parent / "apps" / "a02_config_by_name"
    findings = lint_paths([str(app)], jobs=1, timeout=0).findings
    development = next(f for f in findings if f.code == "CRS101" and f.path.endswith("settings.py"))
    assert "(on 2 routes, e.g. GET /api/balance, GET /static/<path:filename>)" in development.message


def test_configs_chosen_by_a_name_without_default_that_agree_decide_the_policy(tmp_path: Path) -> None:
    """``create_app(name)`` with no default: the chosen config is unknown, but
    when every named config gives the same policy, that policy is the answer;
    when they differ, the policy is unknown."""
    factory = """\
        from flask import Flask
        from flask_cors import CORS


        class Staging:
            DEBUG = True


        class Live:
            DEBUG = False
            {extra}


        CONFIGS = {{"staging": Staging, "live": Live}}


        def create_app(name):
            app = Flask(__name__)
            app.config.from_object(CONFIGS[name])
            CORS(app, origins=["https://app.example.com"])

            @app.route("/x")
            def x():
                return "x"

            return app
        """
    agreeing = _project(tmp_path / "agree", {"pkg/__init__.py": "", "pkg/app.py": factory.format(extra="")})
    assert _routes(agreeing) == {"/x": "flask-cors"}
    differing = _project(
        tmp_path / "differ", {"pkg/__init__.py": "", "pkg/app.py": factory.format(extra="CORS_SUPPORTS_CREDENTIALS = True")}
    )
    assert _routes(differing) == {"/x": "unknown"}


def test_static_route_follows_static_folder_and_url_path(tmp_path: Path) -> None:
    cases = {
        'Flask(__name__, static_folder="public")': "/public/<path:filename>",
        'Flask(__name__, static_url_path="/assets")': "/assets/<path:filename>",
        'Flask(__name__, static_url_path="")': "/<path:filename>",
        "Flask(__name__, static_folder=None)": None,
        "Flask(__name__, None, 'web/dist')": "/dist/<path:filename>",
        'Flask(__name__, static_folder=os.path.join(os.path.dirname(__file__), "web"))': "/web/<path:filename>",
        'Flask(__name__, static_folder=str(Path(__file__).parent / "dist"))': "/dist/<path:filename>",
        "Flask(__name__, static_folder=FOLDER)": "/built/<path:filename>",
        "Flask(__name__, static_folder=load())": "unknown",
    }
    header = "import os\nfrom pathlib import Path\nfrom flask import Flask\nfrom flask_cors import CORS\n"
    header += 'FOLDER = os.path.abspath(os.path.join("..", "built"))\n'
    for number, (creation, rule) in enumerate(cases.items()):
        root = _project(tmp_path / str(number), {"app.py": f"{header}app = {creation}\nCORS(app)\n"})
        (app,) = analyse_paths([str(root)]).model.apps
        rules = [route.rule if isinstance(route.rule, str) else "unknown" for route in app.routes if route.endpoint == "static"]
        assert rules == ([rule] if rule else []), creation


def test_a_catch_all_route_exposes_the_paths_a_resource_answers() -> None:
    """A single-page app's ``/<path:page>`` also serves ``/api/x``: the
    ``/api/.*`` resource's finding counts it, and the policy lists the path."""
    app_dir = Path(__file__).resolve().parent / "apps" / "a21_catch_all"
    (finding,) = [f for f in lint_paths([str(app_dir)], select=("CRS102",), jobs=1).findings]
    assert "exposes GET /api/x (served by /<path:page>)" in {related.message for related in (*finding.related, *finding.exposes)}
    (app,) = analyse_paths([str(app_dir)]).model.apps
    (page,) = [route for route in app.routes if route.rule == "/<path:page>"]
    assert page.cors == "none" and {other.path for other in page.other_paths} >= {"/api/x", "/partner-x"}


def test_the_factorys_reads_of_its_config_are_answered_from_its_writes(tmp_path: Path) -> None:
    """``app.config.get(K, default)`` in the factory: the value the project
    wrote before (an environment fallback stays one); a key the project never
    writes is unknown (Flask or an extension may set it), not the default."""
    source = """\
        import os
        from flask import Flask
        from flask_cors import CORS


        class Config:
            FRONTEND = os.environ.get("FRONTEND", "*")
            ALLOW = False


        def create_app():
            app = Flask(__name__)
            app.config.from_object(Config)
            url = app.config.get("FRONTEND", "https://unused.example")
            origins = "*" if url == "*" else url.split(",")
            CORS(app, origins=origins, supports_credentials=app.config.get("{credentials_key}", True))

            @app.route("/x")
            def x():
                return "x"

            return app
        """
    written = _project(tmp_path / "written", {"pkg/__init__.py": "", "pkg/app.py": source.replace("{credentials_key}", "ALLOW")})
    codes = sorted(finding.code for finding in lint_paths([str(written)], jobs=1).findings)
    assert codes == ["CRS501"]
    unwritten = _project(tmp_path / "unwritten", {"pkg/__init__.py": "", "pkg/app.py": source.replace("{credentials_key}", "CREDENTIALS")})
    (app,) = analyse_paths([str(unwritten)]).model.apps
    (route,) = [route for route in app.routes if route.rule == "/x"]
    assert route.unknown == ("supports_credentials",)

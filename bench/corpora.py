"""The benchmark's corpora: a sparse one (real code, almost no CORS) and a
dense one (generated Flask apps that all configure CORS)."""

from __future__ import annotations

import random
import shutil
import sysconfig
from pathlib import Path

ORIGINS = [
    '"*"',
    '["https://app.example.com"]',
    '[r"https://.*\\.example\\.com"]',
    '["https://*.example.com", "null"]',
    'r"^https://(app|www)\\.example\\.com$"',
    'ALLOWED_ORIGINS',
]
APP = '''\
import re
from flask import Flask, jsonify
from flask_cors import CORS, cross_origin

ALLOWED_ORIGINS = ["https://app.example.com", "https://admin.example.com"]
app = Flask(__name__)
CORS(app, origins={origins}, supports_credentials={credentials}, max_age={max_age})
cors = CORS(resources={{r"/api/*": {{"origins": {origins_b}}}}})


def create_app():
    other = Flask(__name__)
    cors.init_app(other, vary_header={vary})
    return other


@app.route("/items/<int:item_id>")
@cross_origin(origins={origins_c}, methods=["GET", "POST"])
def item(item_id):
    data = {{"id": item_id, "name": "item-%d" % item_id}}
    return jsonify(data)


@app.route("/health")
def health():
    return jsonify(status="ok", checks=[n * n for n in range(10)])
'''


def dense(target: Path, count: int = 2000, seed: int = 1) -> Path:
    """``count`` Flask apps of 27 lines, each configuring CORS three ways."""
    if target.exists() and len(list(target.glob("*.py"))) == count:
        return target
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    chooser = random.Random(seed)
    for index in range(count):
        source = APP.format(
            origins=chooser.choice(ORIGINS),
            origins_b=chooser.choice(ORIGINS),
            origins_c=chooser.choice(ORIGINS),
            credentials=chooser.choice(["True", "False", '"false"']),
            max_age=chooser.choice(["600", "86400 * 7", "None"]),
            vary=chooser.choice(["True", "False"]),
        )
        (target / f"app_{index:04d}.py").write_text(source, encoding="utf-8")
    return target


def sparse(target: Path) -> Path:
    """A copy of the *.py files of the running interpreter's standard library
    and site-packages. Copied so that every tool reads exactly the same files
    (the standard library's own site-packages, which a virtual environment
    does not use, is left out)."""
    if (target / ".complete").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    paths = sysconfig.get_paths()
    sources = {"stdlib": Path(paths["stdlib"]), "site_packages": Path(paths["purelib"])}
    for name, root in sources.items():
        for path in root.rglob("*.py"):
            relative = path.relative_to(root)
            if name == "stdlib" and relative.parts[0] == "site-packages":
                continue
            if "__pycache__" in relative.parts or not path.is_file():
                continue
            destination = target / name / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    (target / ".complete").write_text("")
    return target

"""The versioned model against real flask-cors releases.

Generated configurations (those of ``test_differential``, drawn with a fixed
seed from values chosen to exercise what changed between releases: resource
order, letter case and ``+`` in paths, Private Network Access) are run
through the linter's pipeline, rebuilt for each release
(``policy.under_release``), and through that release installed in a
directory of its own (``releases.py``), in a subprocess. The predicted CORS
headers must equal the release's for every request.

Default: the releases in ``releases.DEFAULT_RELEASES``; every release from
3.0.8 on with ``CORS_LINT_ALL_RELEASES=1`` (and more configurations with
``CORS_LINT_RELEASE_CASES=N``).
"""

from __future__ import annotations

import os
import random
from typing import Dict, List, Tuple

import pytest

import releases as installed_releases
from test_differential import Configuration, Source

from cors_lint.engine import policy_of
from cors_lint.model import releases
from cors_lint.model.flaskcors import StartupError
from cors_lint.model.policy import under_release
from cors_lint.model.predict import predict, predict_app

CASES = int(os.environ.get("CORS_LINT_RELEASE_CASES", "45"))
SEED = 17

ORIGINS = ["*", "https://app.example.com", r"https://.*\.example\.com", "http://localhost:3000", "null"]
RESOURCES = [
    "/api/*", r"/api/.*", "/API/*", "/api/admin", "/api/admin/*", r"/api/public/.*", "/public/a+b", "/public/a b",
    "/*", r"/a/b/.*", r"/a/.*/c", r"/a/.*", Source("re.compile('/api/.*')"), Source("re.compile('/API/.*', re.I)"),
]
PATHS = ["/api/admin", "/API/admin", "/Api/x", "/api/public/x", "/public/a+b", "/public/a%2Bb", "/public/a b",
         "/a/b/c", "/a/x/c", "/a/b", "/x"]
REQUEST_ORIGINS = [None, "https://evil.example", "https://app.example.com", "null"]
PREFLIGHTS = [
    {"Access-Control-Request-Method": "GET"},
    {"Access-Control-Request-Method": "POST", "Access-Control-Request-Private-Network": "true"},
    {"Access-Control-Request-Private-Network": "true"},
]
TRUTHY = [True, False, "false", 1, None]


def _options(rng: random.Random, resource_level: bool = False) -> Dict[str, object]:
    options: Dict[str, object] = {}
    if rng.random() < 0.7:
        options["origins"] = rng.choice([rng.choice(ORIGINS), rng.sample(ORIGINS, rng.randint(1, 2))])
    for name in ("allow_private_network", "supports_credentials", "send_wildcard", "always_send", "vary_header"):
        if rng.random() < (0.5 if name == "allow_private_network" else 0.2):
            options[name] = rng.choice(TRUTHY)
    if not resource_level and rng.random() < 0.2:
        options["methods"] = rng.choice([["GET"], "GET, POST"])
    return options


def configuration(rng: random.Random) -> Configuration:
    kind = rng.choice(["kwargs", "kwargs", "kwargs", "decorator", "init_app", "twice", "config"])
    options = _options(rng)
    if kind != "decorator" and rng.random() < 0.85:
        keys = rng.sample(RESOURCES, rng.randint(1, 4))
        if rng.random() < 0.75:
            options["resources"] = {key: _options(rng, resource_level=True) for key in keys}
        else:
            options["resources"] = keys if len(keys) > 1 else keys[0]
    extra = _options(rng) if kind in ("init_app", "twice", "config") else {}
    return Configuration(kind, options, extra)


Request = Tuple[str, str, Dict[str, str]]


def requests(rng: random.Random, count: int = 12) -> List[Request]:
    chosen = []
    for _ in range(count):
        method = rng.choice(["GET", "OPTIONS"])
        headers = dict(rng.choice(PREFLIGHTS)) if method == "OPTIONS" else {}
        origin = rng.choice(REQUEST_ORIGINS)
        if origin:
            headers["Origin"] = origin
        chosen.append((rng.choice(PATHS), method, headers))
    return chosen


def generated(count: int = CASES, seed: int = SEED) -> List[Tuple[Configuration, List[Request]]]:
    rng = random.Random(seed)
    return [(configuration(rng), requests(rng)) for _ in range(count)]


def predicted(configuration: Configuration, registrations, request: Request) -> object:
    """The model's answer, from the registrations rebuilt for a release."""
    path, method, headers = request
    try:
        if configuration.kind == "decorator":
            return [list(pair) for pair in predict(registrations[0], path, method, headers)]
        return [list(pair) for pair in predict_app(registrations, path, method, headers)]
    except StartupError:
        return "startup error"


@pytest.fixture(scope="module")
def release_dirs(request):
    root = request.config.cache.mkdir("flask-cors-releases")
    return installed_releases.install(installed_releases.wanted(), root)


@pytest.fixture(scope="module")
def cases():
    return [(configuration, policy_of(configuration.source().encode()), asked) for configuration, asked in generated()]


@pytest.fixture(scope="module")
def release_answers(release_dirs, cases):
    """Every installed release's answers, asked in parallel processes."""
    written = [{"source": configuration.source(), "requests": asked} for configuration, _, asked in cases]
    available = {version: directory for version, directory in release_dirs.items() if directory is not None}
    return installed_releases.ask_releases(available, {version: written for version in available})


@pytest.mark.parametrize("version", installed_releases.wanted())
def test_model_of_release_answers_as_the_release(version, release_dirs, cases, release_answers) -> None:
    if release_dirs[version] is None:
        pytest.skip(f"flask-cors {version} cannot be installed (no package index?)")
    answers = release_answers[version]
    behaviour = releases.behaviour(version)
    mismatches = []
    for (configuration, policy, asked), answered in zip(cases, answers):
        registrations = [under_release(registration, behaviour) for registration in policy.registrations]
        for request, expected in zip(asked, answered):
            got = predicted(configuration, registrations, request)
            if got != expected:
                mismatches.append(f"{configuration.source()}\nrequest: {request}\nflask-cors {version}: {expected}\nmodel: {got}")
    assert not mismatches, f"{len(mismatches)} disagreements, the first:\n" + mismatches[0]

"""``cors-lint policy``: for each Flask app under PATHS, each route and the
CORS policy it gets. No analysis happens here."""

from __future__ import annotations

import sys
import warnings
from typing import Optional, Tuple

import click

from cors_lint import __version__


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--app", "app_filter", metavar="PATH:NAME", help="Only the app created at PATH by NAME (the factory or variable).")
@click.option("--exclude", metavar="GLOB", multiple=True, help="Skip paths matching GLOB (repeatable).")
@click.option(
    "--trusted-origin",
    "trusted_origins",
    metavar="ORIGIN",
    multiple=True,
    help="An origin the app may trust (scheme://host or scheme://*.domain), repeatable; else [tool.cors-lint] trusted-origins.",
)
@click.option(
    "--flask-cors-version",
    metavar="X.Y.Z",
    help="The flask-cors release the project runs, instead of its requirement files' (else [tool.cors-lint] flask-cors-version).",
)
@click.option(
    "--compare-version",
    metavar="X.Y.Z",
    help="Show, route by route, what changes between the project's flask-cors release and X.Y.Z.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def policy(
    paths: Tuple[str, ...],
    output_format: str,
    app_filter: Optional[str],
    exclude: Tuple[str, ...],
    trusted_origins: Tuple[str, ...],
    flask_cors_version: Optional[str],
    compare_version: Optional[str],
    debug: bool,
) -> None:
    """Print the CORS policy of every route of the Flask apps under PATHS.

    A single file is analysed as part of its whole project (the modules
    under the nearest directory with pyproject.toml, setup.cfg, setup.py or
    .git). Exit status: 0, or 2 for usage and internal errors.
    """
    from cors_lint import applications, config, files
    from cors_lint.model import releases

    try:
        settings = config.merged(
            config.settings_for(None, False),
            {
                "trusted_origins": config.check_trusted_origins(trusted_origins, "--trusted-origin"),
                "flask_cors_version": config.check_flask_cors_version(flask_cors_version, "--flask-cors-version"),
            },
        )
        compare_version = config.check_flask_cors_version(compare_version, "--compare-version")
    except config.ConfigError as error:
        raise click.UsageError(str(error)) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # re.compile() of the analysed code's patterns
            pinned = applications.pinned_flask_cors(paths, settings.flask_cors_version)
            # The inventory shows the policy under the newest release the project allows.
            shown_release = releases.behaviour(pinned.newest_allowed or releases.NEWEST)
            analysis = applications.analyse_paths(paths, exclude, behaviour=shown_release)
            versions = applications.flask_cors_versions(analysis, pinned)
            compared = None
            if compare_version:
                before = versions.pinned.newest_allowed or compare_version
                compared = (before, compare_version, applications.compare_versions(analysis, before, compare_version))
    except files.MissingPath as missing:
        raise click.UsageError(f"path does not exist: {missing}") from None
    except Exception as error:  # noqa: BLE001 - one line, not a traceback, unless asked
        if debug:
            raise
        click.echo(f"cors-lint: internal error: {type(error).__name__}: {error} (run with --debug for details)", err=True)
        sys.exit(2)
    apps = list(analysis.model.apps)
    if app_filter:
        apps = [app for app in apps if _matches(app.label, app_filter)]
        if not apps:
            known = ", ".join(app.label for app in analysis.model.apps) or "none"
            raise click.UsageError(f"no app {app_filter!r} (apps found: {known})")
    apps = applications.with_origin_proofs(apps, settings.trusted_origins)
    from cors_lint.report import inventory
    from cors_lint.report import versions as versions_report

    labels = {app.label for app in apps}
    if output_format == "json":
        document = inventory.json_document(apps, __version__)
        document["flask_cors"] = versions_report.json_object(versions, compared, labels)
        click.echo(inventory.dumps(document), nl=False)
        return
    notes = [f"not analysed: {skipped.path}: {skipped.reason}" for skipped in analysis.skipped]
    if analysis.truncated:
        notes.append(f"note: {analysis.truncated}")
    click.echo(inventory.render_text(apps, notes), nl=False)
    click.echo(versions_report.render_text(versions, compared, labels), nl=False)


def _matches(label: str, wanted: str) -> bool:
    import os

    path, _, name = label.rpartition(":")
    wanted_path, _, wanted_name = wanted.rpartition(":")
    return name == wanted_name and os.path.normpath(path) == os.path.normpath(wanted_path)

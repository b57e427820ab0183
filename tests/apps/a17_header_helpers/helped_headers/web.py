"""The project's web toolkit: Flask's request under the project's name."""

from flask import request  # noqa: F401

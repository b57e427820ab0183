"""The link stage: the project's modules, apps, blueprints, routes, config
sources and hooks, across module boundaries (one parse per module)."""

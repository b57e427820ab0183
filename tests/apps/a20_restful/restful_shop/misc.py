from .v2 import bp


@bp.get("/version")
def version():
    return {"version": 2}

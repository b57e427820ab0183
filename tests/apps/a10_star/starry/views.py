from starry import app


@app.route("/sky")
def sky():
    return "sky"

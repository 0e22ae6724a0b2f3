"""The baseline every figure is compared with: the least a Flask app served by gunicorn can do."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello"

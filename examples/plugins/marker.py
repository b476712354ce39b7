#!/usr/bin/env python3
"""A tend plugin (JSON Lines on stdin/stdout) serving one type, `marker`: a small text file under $HOME.

Python standard library only. tend starts it once per run and sends one JSON object per line; it answers
each with one line (SPEC, REFRESH_RESULT) or with LOG lines and one RESULT (APPLY). It exits when stdin ends.
"""
import json
import os
import sys
import tempfile

SPEC = {
    "type": "SPEC",
    "protocolVersion": 1,
    "types": [{
        "name": "marker",
        "summary": "a small text file under the home directory, written by the marker.py example plugin",
        "key": "path",
        "parameters": {
            "type": "object",
            "properties": {
                "path": {"type": "string", "description": "the file, under the home directory (~/ allowed)"},
                "text": {"type": "string", "default": "", "description": "what the file holds"},
            },
            "required": ["path"],
        },
        "example": "- type: marker\n  path: ~/.cache/bootstrapped\n  text: done\n",
    }],
}

HOME = os.path.realpath(os.environ["HOME"])
LIMIT = 1 << 20


def send(message):
    sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def resolve(path):
    """The absolute path of a marker, refusing anything outside $HOME or reached through a symlink."""
    if path.startswith("~/"):
        path = os.path.join(HOME, path[2:])
    path = os.path.normpath(path)
    if not path.startswith(HOME + os.sep):
        raise ValueError("marker paths must be under the home directory: %r" % path)
    if os.path.realpath(os.path.dirname(path)) != os.path.dirname(path):
        raise ValueError("a directory on the way to %r is a symlink" % path)
    return path


def read(path):
    """The marker's text, or None when it is absent."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as handle:
        return handle.read(LIMIT).decode("utf-8", "replace")


def write(path, text):
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o755, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".marker-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, 0o644)
        os.rename(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def refresh(request):
    results = []
    for resource in request["resources"]:
        try:
            text = read(resolve(resource["parameters"]["path"]))
        except (ValueError, OSError) as error:
            print("cannot read %s: %s" % (resource["address"], error), file=sys.stderr)
            text = None
        current = None if text is None else {"path": resource["parameters"]["path"], "text": text}
        results.append({"address": resource["address"], "current": current})
    send({"type": "REFRESH_RESULT", "results": results})


def apply(request):
    change = request["change"]
    parameters = change["parameters"]
    try:
        path = resolve(parameters["path"])
        if change["operation"] == "destroy":
            if os.path.lexists(path):
                os.unlink(path)
            send({"type": "LOG", "level": "info", "message": "removed " + path})
        else:
            write(path, parameters.get("text", ""))
            send({"type": "LOG", "level": "info", "message": "wrote " + path})
        send({"type": "RESULT", "status": "succeeded", "outputs": {"path": path}})
    except (ValueError, OSError) as error:
        send({"type": "RESULT", "status": "failed", "error": {"message": str(error), "retryable": False}})


def main():
    for line in sys.stdin:
        request = json.loads(line)
        kind = request.get("type")
        if kind == "SPEC":
            send(SPEC)
        elif kind == "REFRESH":
            refresh(request)
        elif kind == "APPLY":
            apply(request)
        else:
            print("unknown request %r" % kind, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

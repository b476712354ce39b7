import Foundation
import TendCore
import TendTestSupport

/// Plugins for the end-to-end tests: the two examples copied into a temporary home, and `probe.py`, a
/// purpose-made plugin that answers SPEC and REFRESH properly and then, on APPLY, does what its behaviour says
/// (the misbehaving cases of issue 11 item 4). Copies live in the test's own home, so that the StrictModes
/// check sees directories this test made, wherever the repository was cloned.
enum PluginFixtures {
    static let hasPython = SystemProcessRunner.resolve("python3", path: ProcessInfo.processInfo.environment["PATH"]) != nil
    static let hasJq = SystemProcessRunner.resolve("jq", path: ProcessInfo.processInfo.environment["PATH"]) != nil

    /// The examples directory in the repository.
    static var examples: String { TendBinary.packageRoot + "/examples/plugins" }

    /// Copies an example plugin into `~/plugins/` of `home`, executable; returns its path.
    @discardableResult
    static func installExample(_ name: String, in home: TemporaryHome) throws -> String {
        let text = try String(contentsOfFile: examples + "/" + name, encoding: .utf8)
        let path = try home.write("plugins/" + name, text, mode: 0o755)
        chmod(home.path + "/plugins", 0o755)
        return path
    }

    /// Writes `~/plugins/probe.py` with the given APPLY behaviour; returns its path.
    @discardableResult
    static func installProbe(_ behaviour: String, in home: TemporaryHome) throws -> String {
        let path = try home.write("plugins/probe.py", probe.replacingOccurrences(of: "@BEHAVIOUR@", with: behaviour),
                                  mode: 0o755)
        chmod(home.path + "/plugins", 0o755)
        return path
    }

    /// A probe that keeps what it created in ~/probe-state.json, so that refresh tells the truth.
    static let probe = #"""
        #!/usr/bin/env python3
        import json, os, sys, time
        BEHAVIOUR = "@BEHAVIOUR@"
        HOME = os.environ["HOME"]
        STATE = os.path.join(HOME, "probe-state.json")

        def send(message):
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()

        def load():
            try:
                with open(STATE) as handle:
                    return json.load(handle)
            except FileNotFoundError:
                return {}

        def save(state):
            with open(STATE, "w") as handle:
                json.dump(state, handle)

        def succeed(change, extra=None):
            state = load()
            if change["operation"] == "destroy":
                state.pop(change["address"], None)
            else:
                parameters = dict(change["parameters"])
                parameters.update(extra or {})
                state[change["address"]] = parameters
            save(state)
            send({"type": "RESULT", "status": "succeeded", "outputs": {"seen": change["operation"]}})

        def apply(change):
            if BEHAVIOUR == "ok":
                succeed(change)
            elif BEHAVIOUR == "notjson":
                sys.stdout.write("not json \x1b[31m\n")
                sys.stdout.flush()
                time.sleep(3600)
            elif BEHAVIOUR == "dies":
                sys.stderr.write("boom: disk on fire\n")
                sys.exit(3)
            elif BEHAVIOUR == "signal":
                os.kill(os.getpid(), 9)
            elif BEHAVIOUR == "hangs":
                with open(os.path.join(HOME, "probe.pid"), "w") as handle:
                    handle.write("%d\n" % os.getpid())
                time.sleep(3600)
            elif BEHAVIOUR == "unasked":
                send({"type": "CONTROL", "address": "probe:someone-else", "config": {"count": 1}})
                succeed(change)
            elif BEHAVIOUR == "noresult":
                send({"type": "LOG", "level": "info", "message": "working on it"})
                sys.exit(0)
            elif BEHAVIOUR == "wrongtype":
                send({"type": "REFRESH_RESULT", "results": []})
                time.sleep(3600)
            elif BEHAVIOUR == "badcontrol":
                send({"type": "CONTROL", "address": change["address"], "config": {"count": "many"}})
                succeed(change)
            elif BEHAVIOUR == "control":
                send({"type": "CONTROL", "address": change["address"], "config": {"count": 7}})
                succeed(change, {"count": 7})
            elif BEHAVIOUR == "longline":
                sys.stdout.write("x" * ((1 << 20) + 10))
                sys.stdout.flush()
                time.sleep(3600)
            elif BEHAVIOUR == "flood":
                for index in range(10001):
                    send({"type": "LOG", "level": "debug", "message": "line %d" % index})
                time.sleep(3600)
            elif BEHAVIOUR == "fails":
                send({"type": "RESULT", "status": "failed",
                      "error": {"message": "quota exceeded\x07", "retryable": False}})
            elif BEHAVIOUR == "secret":
                token = change["parameters"].get("token", "")
                with open(os.path.join(HOME, "token-received"), "w") as handle:
                    handle.write(token)
                send({"type": "LOG", "level": "info", "message": "using token " + token})
                sys.stderr.write("stderr mentions " + token + "\n")
                sys.stderr.flush()
                succeed(change)

        for line in sys.stdin:
            request = json.loads(line)
            if request["type"] == "SPEC":
                send({"type": "SPEC", "protocolVersion": 1, "types": [{
                    "name": "probe", "key": "name", "summary": "a test probe",
                    "parameters": {"type": "object", "required": ["name"], "properties": {
                        "name": {"type": "string", "description": "the probe's name"},
                        "count": {"type": "integer", "description": "a number"},
                        "color": {"type": "string", "enum": ["red", "blue"], "default": "red"},
                        "token": {"type": "string", "writeOnly": True, "description": "a secret"},
                        "tags-list": {"type": "array", "items": {"type": "string"}},
                    }}}]})
            elif request["type"] == "REFRESH":
                state = load()
                send({"type": "REFRESH_RESULT", "results": [
                    {"address": r["address"], "current": state.get(r["address"])} for r in request["resources"]]})
            elif request["type"] == "APPLY":
                apply(request["change"])
        """#
}

#!/usr/bin/python3
"""test_openapi.py: schema/openapi.json is complete and true to the running daemon.

The spec is checked with a small JSON-Schema validator written here on the standard library (no
python3-jsonschema): it knows exactly the keywords the spec uses (type, properties, required,
additionalProperties, items, enum, const, minimum, maximum, exclusiveMinimum, pattern, oneOf, anyOf,
allOf, $ref, minItems, maxItems) plus the annotations it ignores, and fails on any other keyword, so a
spec that starts using a new keyword makes this test say so instead of silently not checking it.

1. Structure: OpenAPI 3.1, unique operationIds, every $ref resolves, every templated path segment has
   its path parameter, every operation has a 2xx response, every request and response media type has
   a schema and an example, and every example validates against its schema.
2. Coverage: every route of the daemon's routing table (server/api.c) is a path of the spec.
3. Truth: real answers of a live daemon (--job-wait-ms 0, so bounds become jobs) for every endpoint,
   JSON and CSV, successes and errors (400, 404, 405, 409, 413, 422), are validated against the
   schema the spec gives for their path, method, status and content type.
4. The served document (GET /api/v1/openapi.json: the file plus the per-model parts the daemon generates
   from its model table) passes the structure checks, has a Params_<model> schema for every model with
   every parameter's range or choices as GET /api/v1/models declares them, and its request schema
   accepts the request fixtures (tests/requests) the server accepts and rejects those it refuses for a
   parameter or model rule.

Environment: NUREACHD, NUREACH_DATA_DIR, NUREACH_STATIC_DIR, NUREACH_SCHEMA_DIR.
"""
import json
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nrtest import PATIENT, Checks, Daemon  # noqa: E402

T = Checks()
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC_PATH = os.path.join(ROOT, "schema", "openapi.json")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

# ---- a JSON-Schema subset validator (draft 2020-12 semantics for these keywords) ------------------

ANNOTATIONS = {"description", "title", "examples", "example", "default", "format", "deprecated", "readOnly",
               "writeOnly", "$comment", "discriminator"}


class SchemaError(Exception):
    """The schema itself uses something this validator does not know."""


def resolve(spec, ref):
    if not ref.startswith("#/"):
        raise SchemaError("only local $ref are supported: %s" % ref)
    node = spec
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise SchemaError("unresolvable $ref %s" % ref)
        node = node[part]
    return node


def type_ok(value, t):
    if t == "null":
        return value is None
    if t == "boolean":
        return isinstance(value, bool)
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool) or (isinstance(value, float) and value.is_integer())
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == "string":
        return isinstance(value, str)
    if t == "array":
        return isinstance(value, list)
    if t == "object":
        return isinstance(value, dict)
    raise SchemaError("unknown type %r" % t)


def validate(spec, schema, value, where="$"):
    """Returns a list of error strings (empty: valid)."""
    if schema is True or schema == {}:
        return []
    if schema is False:
        return ["%s: no value allowed" % where]
    errors = []
    for key in schema:
        if key not in ANNOTATIONS and key not in VALIDATORS:
            raise SchemaError("unsupported keyword %r at %s" % (key, where))
    for key, check in VALIDATORS.items():
        if key in schema:
            errors += check(spec, schema, value, where)
    return errors


def v_ref(spec, schema, value, where):
    return validate(spec, resolve(spec, schema["$ref"]), value, where)


def v_type(spec, schema, value, where):
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return [] if any(type_ok(value, t) for t in types) else ["%s: %r is not of type %s" % (where, short(value), types)]


def v_properties(spec, schema, value, where):
    if not isinstance(value, dict):
        return []
    errors = []
    for name, sub in schema["properties"].items():
        if name in value:
            errors += validate(spec, sub, value[name], "%s.%s" % (where, name))
    return errors


def v_required(spec, schema, value, where):
    if not isinstance(value, dict):
        return []
    return ["%s: missing required %r" % (where, name) for name in schema["required"] if name not in value]


def v_additional(spec, schema, value, where):
    if not isinstance(value, dict):
        return []
    known = set(schema.get("properties", {}))
    extra = [k for k in value if k not in known]
    add = schema["additionalProperties"]
    if add is False:
        return ["%s: unexpected property %r" % (where, k) for k in extra]
    errors = []
    for k in extra:
        errors += validate(spec, add, value[k], "%s.%s" % (where, k))
    return errors


def v_items(spec, schema, value, where):
    if not isinstance(value, list):
        return []
    errors = []
    for i, item in enumerate(value):
        errors += validate(spec, schema["items"], item, "%s[%d]" % (where, i))
        if len(errors) > 5:
            break
    return errors


def v_enum(spec, schema, value, where):
    return [] if value in schema["enum"] else ["%s: %r not in %s" % (where, short(value), schema["enum"])]


def v_const(spec, schema, value, where):
    return [] if value == schema["const"] else ["%s: %r is not %r" % (where, short(value), schema["const"])]


def number_rule(name, ok):
    def check(spec, schema, value, where):
        if not type_ok(value, "number"):
            return []
        return [] if ok(value, schema[name]) else ["%s: %r violates %s %r" % (where, value, name, schema[name])]
    return check


def v_pattern(spec, schema, value, where):
    if not isinstance(value, str):
        return []
    return [] if re.search(schema["pattern"], value) else ["%s: %r does not match %s" % (where, short(value), schema["pattern"])]


def count_rule(name, ok):
    def check(spec, schema, value, where):
        if not isinstance(value, list):
            return []
        return [] if ok(len(value), schema[name]) else ["%s: %d items violates %s" % (where, len(value), name)]
    return check


def v_one_of(spec, schema, value, where):
    n = sum(1 for s in schema["oneOf"] if not validate(spec, s, value, where))
    return [] if n == 1 else ["%s: %r matches %d of oneOf (needs exactly 1)" % (where, short(value), n)]


def v_any_of(spec, schema, value, where):
    return [] if any(not validate(spec, s, value, where) for s in schema["anyOf"]) else ["%s: matches no anyOf" % where]


def v_all_of(spec, schema, value, where):
    errors = []
    for s in schema["allOf"]:
        errors += validate(spec, s, value, where)
    return errors


VALIDATORS = {
    "$ref": v_ref, "type": v_type, "properties": v_properties, "required": v_required,
    "additionalProperties": v_additional, "items": v_items, "enum": v_enum, "const": v_const,
    "minimum": number_rule("minimum", lambda v, m: v >= m), "maximum": number_rule("maximum", lambda v, m: v <= m),
    "exclusiveMinimum": number_rule("exclusiveMinimum", lambda v, m: v > m),
    "exclusiveMaximum": number_rule("exclusiveMaximum", lambda v, m: v < m),
    "pattern": v_pattern, "minItems": count_rule("minItems", lambda n, m: n >= m),
    "maxItems": count_rule("maxItems", lambda n, m: n <= m), "oneOf": v_one_of, "anyOf": v_any_of, "allOf": v_all_of,
}


def short(value):
    text = json.dumps(value)
    return text if len(text) < 80 else text[:77] + "..."


# ---- 1. structure ---------------------------------------------------------------------------------

def operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method], item


def deref(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        node = resolve(spec, node["$ref"])
    return node


def all_refs(node, out):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            out.append(node["$ref"])
        for v in node.values():
            all_refs(v, out)
    elif isinstance(node, list):
        for v in node:
            all_refs(v, out)
    return out


def media_examples(media):
    if "example" in media:
        yield media["example"]
    for ex in (media.get("examples") or {}).values():
        if "value" in ex:
            yield ex["value"]


def test_structure(spec):
    T.check(str(spec.get("openapi", "")).startswith("3.1."), "openapi 3.1.x")
    T.check(spec.get("info", {}).get("title") and spec["info"].get("version"), "info.title and info.version")
    bad_refs = []
    for ref in all_refs(spec, []):
        try:
            resolve(spec, ref)
        except SchemaError:
            bad_refs.append(ref)
    T.check(not bad_refs, "every $ref resolves: %s" % bad_refs)
    ids = [op.get("operationId") for _, _, op, _ in operations(spec)]
    T.check(all(ids) and len(ids) == len(set(ids)), "operationIds present and unique")
    n_examples = 0
    for path, method, op, item in operations(spec):
        name = "%s %s" % (method.upper(), path)
        params = [deref(spec, p) for p in item.get("parameters", []) + op.get("parameters", [])]
        for segment in re.findall(r"\{(\w+)\}", path):
            T.check(any(p.get("in") == "path" and p.get("name") == segment and p.get("required") for p in params),
                    "%s: path parameter %s declared" % (name, segment))
        T.check(any(code.startswith("2") for code in op.get("responses", {})), "%s: a 2xx response" % name)
        T.check(op.get("summary") and op.get("tags"), "%s: summary and tags" % name)
        bodies = []
        if "requestBody" in op:
            bodies += [("request " + ct, m) for ct, m in deref(spec, op["requestBody"])["content"].items()]
        for code, resp in op["responses"].items():
            resp = deref(spec, resp)
            T.check(resp.get("description"), "%s %s: description" % (name, code))
            bodies += [("%s %s" % (code, ct), m) for ct, m in resp.get("content", {}).items()]
        for what, media in bodies:
            T.check("schema" in media, "%s %s: schema" % (name, what))
            examples = list(media_examples(media))
            T.check(examples, "%s %s: an example" % (name, what))
            for ex in examples:
                n_examples += 1
                errors = validate(spec, media.get("schema", {}), ex)
                T.check(not errors, "%s %s: the example validates: %s" % (name, what, errors[:3]))
        for p in params:
            if "example" in p and "schema" in p and p.get("style") != "form":
                T.check(not validate(spec, p["schema"], p["example"]), "%s: parameter %s example" % (name, p.get("name")))
    print("structure: %d operations, %d examples validated" % (len(ids), n_examples))


# ---- 2. coverage of the routing table --------------------------------------------------------------

def routes_from_source():
    """(method, path, match) of server/api.c's nr_api_routes."""
    with open(os.path.join(ROOT, "server", "api.c"), encoding="utf-8") as f:
        text = f.read()
    table = text[text.index("nr_api_routes[]"):]
    return re.findall(r'\{"(GET|POST|DELETE|PUT)", "([^"]+)", (NR_ROUTE_\w+),', table)


def test_problem_types(spec):
    """Every problem slug of server/problem.c is an allowed rule of the Problem schema."""
    with open(os.path.join(ROOT, "server", "problem.c"), encoding="utf-8") as f:
        slugs = re.findall(r'\{"([a-z-]+)", "[^"]+"\}', f.read())
    T.check(len(slugs) > 10, "problem types read from server/problem.c")
    rule = spec["components"]["schemas"]["Problem"]["properties"]["errors"]["items"]["properties"]["rule"]
    T.check(set(slugs) <= set(rule.get("enum", [])), "Problem.errors[].rule lists every problem type: missing %s"
            % sorted(set(slugs) - set(rule.get("enum", []))))


def test_coverage(spec):
    test_problem_types(spec)
    routes = routes_from_source()
    T.check(len(routes) >= 10, "routing table read from server/api.c (%d routes)" % len(routes))
    for method, path, match in routes:
        if match == "NR_ROUTE_EXACT":
            documented = method.lower() in spec["paths"].get(path, {})
        else:  # a prefix: some documented path below it
            documented = any(p.startswith(path) and method.lower() in item
                             for p, item in spec["paths"].items())
        T.check(documented, "route %s %s is documented" % (method, path))


# ---- 3. real answers against the spec --------------------------------------------------------------

def template_match(template, path):
    pattern = "^" + re.sub(r"\\\{\w+\\\}", "[^/]+" if template != "/{file}" else ".+", re.escape(template)) + "$"
    return re.match(pattern, path) is not None


def spec_path_for(spec, path):
    if path in spec["paths"]:
        return path
    candidates = [t for t in spec["paths"] if "{" in t and template_match(t, path)]
    candidates.sort(key=lambda t: -len(t))  # the most specific template
    return candidates[0] if candidates else None


def check_answer(spec, method, path, code, headers, payload, what):
    template = spec_path_for(spec, path.split("?")[0])
    if not T.check(template, "%s: %s %s is a path of the spec" % (what, method, path)):
        return
    op = spec["paths"][template].get(method.lower())
    if op is None and code == 405:  # a method the path does not have: the shared 405 answer
        op = {"responses": {"405": {"$ref": "#/components/responses/MethodNotAllowed"}}}
    if not T.check(op, "%s: %s documented for %s" % (what, method, template)):
        return
    resp = op["responses"].get(str(code))
    if not T.check(resp is not None, "%s: status %d documented for %s %s" % (what, code, method, template)):
        return
    resp = deref(spec, resp)
    ctype = headers.get("content-type", "")
    content = resp.get("content", {})
    media = content.get(ctype) or content.get(ctype.split(";")[0].strip())
    if not T.check(media is not None, "%s: content type %r documented (%s)" % (what, ctype, list(content))):
        return
    if ctype.startswith("application/") and "json" in ctype:
        try:
            value = json.loads(payload)
        except ValueError:
            T.check(False, "%s: body is JSON" % what)
            return
    else:
        value = payload.decode("utf-8")
    errors = validate(spec, media["schema"], value)
    T.check(not errors, "%s: %s %s %d validates: %s" % (what, method, path, code, errors[:3]))
    for name, h in resp.get("headers", {}).items():
        if name.lower() == "allow" and code == 405:
            T.check(name.lower() in headers, "%s: header %s present" % (what, name))


def call(d, spec, method, path, body=None, headers=None, what=None):
    code, hdrs, payload = d.request(method, path, body, headers)
    check_answer(spec, method, path, code, hdrs, payload, what or "%s %s" % (method, path))
    return code, hdrs, payload


SMALL_SCAN = {"model": "dipole", "experiment": "FASERnu2", "signal": "gamma_decay_volume", "refine": False,
              "scan": {"x": {"param": "m_N", "points": 6}, "y": {"param": "mu_N", "points": 6}}}


def poll_job(d, href, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code, _, payload = d.request("GET", href)
        job = json.loads(payload)
        if job.get("status") in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.1)
    return {}


def test_live(d, spec):
    for path in ("/api/v1/health", "/api/v1/models", "/api/v1/experiments", "/api/v1/openapi.json", "/",
                 "/js/app.js", "/style.css"):
        call(d, spec, "GET", path)
    rates = {"model": "sm", "experiment": "FASERnu"}
    call(d, spec, "POST", "/api/v1/rates", rates)
    call(d, spec, "POST", "/api/v1/rates", rates, {"Accept": "text/csv"}, what="rates as CSV")
    call(d, spec, "POST", "/api/v1/spectra", {"model": "dipole", "experiment": "FASERnu2"})
    call(d, spec, "POST", "/api/v1/spectra", {"model": "sm", "experiment": "FASERnu"}, {"Accept": "text/csv;q=1, application/json;q=0.5"})
    call(d, spec, "GET", "/api/v1/rates.json?model=sm&experiment=FASERnu&params.e_min=100")
    call(d, spec, "GET", "/api/v1/spectra.csv?model=sm&experiment=FASERnu")
    call(d, spec, "GET", "/api/v1/rates.csv?model=sm&experiment=FASERnu&params.e_min=1&params.e_min=2", what="duplicate query key")
    call(d, spec, "GET", "/api/v1/rates.json?model=sm&experiment=FASERnu&params.e_min=-3", what="422 from the query form")
    call(d, spec, "GET", "/api/v1/rates.json?" + "&".join(["a=1"] * 65), what="431 from the query form")
    call(d, spec, "GET", "/api/v1/spectra.csv?model=sm&experiment=FASERnu&x=" + "y" * 5000, what="414 from the query form")
    # bounds: 202, job status, result in three forms, then the cached 200
    code, hdrs, payload = call(d, spec, "POST", "/api/v1/bounds", SMALL_SCAN)
    T.check(code == 202, "bounds with --job-wait-ms 0 answers 202 (%d)" % code)
    if code == 202:
        href = json.loads(payload)["job"]["href"]
        call(d, spec, "GET", href)
        call(d, spec, "GET", href + "/result", what="result of a job under way (409 or 200)")
        job = poll_job(d, href)
        T.check(job.get("status") == "done", "the job finished")
        call(d, spec, "GET", href, what="job done")
        call(d, spec, "GET", href + "/result")
        call(d, spec, "GET", href + "/result", headers={"Accept": "text/csv"}, what="job result by Accept")
        call(d, spec, "GET", href + "/result.csv")
        call(d, spec, "GET", href + "/result.json")
        call(d, spec, "DELETE", href, what="DELETE of a finished job")
        call(d, spec, "DELETE", href + "/result", what="DELETE of a result (405)")
    call(d, spec, "POST", "/api/v1/bounds", SMALL_SCAN, what="bounds cached")
    call(d, spec, "GET", "/api/v1/bounds.csv?model=dipole&experiment=FASERnu2&signal=gamma_decay_volume&refine=false"
         "&scan.x.param=m_N&scan.x.points=6&scan.y.param=mu_N&scan.y.points=6", what="bounds CSV GET form")
    # errors
    call(d, spec, "POST", "/api/v1/rates", "{\"model\": ", what="malformed JSON")
    call(d, spec, "POST", "/api/v1/rates", {"model": "sm", "experiment": "FASERnu", "params": {"e_min": -1}}, what="422")
    call(d, spec, "POST", "/api/v1/bounds", dict(SMALL_SCAN, threshold=-1), what="bounds 422")
    call(d, spec, "POST", "/api/v1/rates", "x" * (80 * 1024), what="413")
    call(d, spec, "GET", "/api/v1/rates", what="405")
    call(d, spec, "DELETE", "/api/v1/models", what="405 on models")
    call(d, spec, "GET", "/api/v1/jobs/" + "e" * 64, what="unknown job")
    call(d, spec, "GET", "/api/v1/jobs/" + "e" * 64 + "/result", what="unknown job result")
    call(d, spec, "DELETE", "/api/v1/jobs/" + "e" * 64, what="DELETE unknown job")
    call(d, spec, "GET", "/missing.html", what="404 static")


def test_served(d):
    code, _, payload = d.request("GET", "/api/v1/openapi.json")
    T.check(code == 200, "served document (%d)" % code)
    served = json.loads(payload)
    test_structure(served)
    schemas = served["components"]["schemas"]
    models = json.loads(d.request("GET", "/api/v1/models")[2])["models"]
    for m in models:
        s = schemas.get("Params_" + m["name"])
        if not T.check(s is not None, "served: Params_%s" % m["name"]):
            continue
        T.check(set(s["properties"]) == {p["name"] for p in m["parameters"]}, "Params_%s: every parameter" % m["name"])
        for p in m["parameters"]:
            ps = s["properties"].get(p["name"], {})
            if p["kind"] == "number":
                T.check(ps.get("minimum") == p["min"] and ps.get("maximum") == p["max"] and ps.get("default") == p["default"],
                        "Params_%s.%s: range and default" % (m["name"], p["name"]))
            else:
                T.check(ps.get("enum") == p["choices"], "Params_%s.%s: choices" % (m["name"], p["name"]))
    cases = os.path.join(ROOT, "tests", "requests")
    rule_of_schema = ("out-of-range", "not-a-choice", "unknown-key", "unknown-model", "wrong-type", "missing-field")
    n = 0
    for name in sorted(os.listdir(cases)):
        exp_path, body_path = os.path.join(cases, name, "expect.json"), os.path.join(cases, name, "request.json")
        if not os.path.exists(exp_path) or not os.path.exists(body_path):
            continue
        expect = json.load(open(exp_path))
        if expect["endpoint"] not in ("/api/v1/rates", "/api/v1/spectra"):
            continue
        try:
            body = json.load(open(body_path))
        except ValueError:
            continue
        errors = validate(served, {"$ref": "#/components/schemas/ComputeRequest"}, body)
        if expect["status"] == 200:
            T.check(not errors, "served schema accepts %s: %s" % (name, errors[:2]))
            n += 1
        elif expect.get("type") in rule_of_schema and expect.get("pointer", "").startswith(("/params", "/model")):
            T.check(bool(errors), "served schema rejects %s" % name)
            n += 1
    T.check(n >= 20, "served schema checked against %d fixtures" % n)
    return served


def main():
    with open(SPEC_PATH, encoding="utf-8") as f:
        spec = json.load(f)
    try:
        test_structure(spec)
        test_coverage(spec)
    except SchemaError as e:
        T.check(False, "the validator knows every keyword of the spec: %s" % e)
        return T.summary()
    work = tempfile.mkdtemp(prefix="nureach-openapi-")
    d = Daemon(os.path.join(work, "state"), extra=["--job-wait-ms", "0"] + PATIENT)
    try:
        if T.check(d.start(), "daemon started"):
            test_live(d, test_served(d))
    except SchemaError as e:
        T.check(False, "the validator knows every keyword of the spec: %s" % e)
    finally:
        code, _ = d.stop()
        T.check(code == 0, "daemon stopped cleanly (%s)" % code)
        shutil.rmtree(work, ignore_errors=True)
    return T.summary()


if __name__ == "__main__":
    sys.exit(main())

"""prometheus_text.py: a strict parser of the Prometheus text exposition format, version 0.0.4.

Written from the format's description (https://prometheus.io/docs/instrumenting/exposition_formats/):
lines end in \\n; '# HELP name text' and '# TYPE name type' at most once per metric family, TYPE before its
first sample; other '#' lines are comments; a sample is name[{label="value",...}] value [timestamp] with the
names' character classes, label values escaping only \\\\, \\" and \\n, values as Go floats (NaN, +Inf, -Inf);
a family's lines are not interleaved with another's; no series twice. Histograms: _bucket series with an le
label, cumulative counts ending with le="+Inf", and _sum and _count with _count equal to the +Inf bucket.
parse(text) returns {family: {"type": ..., "help": ..., "samples": [(name, labels dict, value)]}} or raises
ValueError naming the line.
"""
import math
import re

METRIC = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}
FLOAT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _value(text, where):
    if text in ("NaN", "+Inf", "-Inf", "Inf"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    if not FLOAT.match(text):
        raise ValueError("%s: %r is not a float" % (where, text))
    return float(text)


def _labels(s, i, where):
    """Parses {a="b",...} starting at s[i] == '{'; returns (dict, index after '}')."""
    labels = {}
    i += 1
    while True:
        if s[i:i + 1] == "}":
            return labels, i + 1
        m = LABEL.match(s, i)
        if not m:
            raise ValueError("%s: bad label name at column %d" % (where, i))
        name = m.group(0)
        i = m.end()
        if s[i:i + 2] != '="':
            raise ValueError("%s: expected =\" after label %s" % (where, name))
        i += 2
        out = []
        while True:
            if i >= len(s):
                raise ValueError("%s: unterminated label value" % where)
            c = s[i]
            if c == "\\":
                nxt = s[i + 1:i + 2]
                if nxt not in ("\\", '"', "n"):
                    raise ValueError("%s: bad escape \\%s" % (where, nxt))
                out.append("\n" if nxt == "n" else nxt)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                raise ValueError("%s: newline in a label value" % where)
            else:
                out.append(c)
                i += 1
        if name in labels:
            raise ValueError("%s: label %s twice" % (where, name))
        labels[name] = "".join(out)
        if s[i:i + 1] == ",":
            i += 1
        elif s[i:i + 1] != "}":
            raise ValueError("%s: expected , or } after label %s" % (where, name))


def _family_of(name, families):
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and families.get(name[:-len(suffix)], {}).get("type") in ("histogram", "summary"):
            return name[:-len(suffix)]
    return name


def parse(text):
    if text and not text.endswith("\n"):
        raise ValueError("the text does not end with a newline")
    families = {}
    done = set()       # families whose lines are over (another family started after them)
    current = None
    seen = set()
    for n, line in enumerate(text.split("\n")[:-1], 1):
        where = "line %d" % n
        if line.strip() == "":
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not METRIC.fullmatch(name):
                    raise ValueError("%s: bad metric name %r" % (where, name))
                fam = families.setdefault(name, {"type": None, "help": None, "samples": []})
                if name in done or (current not in (None, name) and fam["samples"]):
                    raise ValueError("%s: %s lines interleaved with another family" % (where, name))
                if current != name and current is not None:
                    done.add(current)
                current = name
                key = parts[1].lower()
                if fam[key] is not None:
                    raise ValueError("%s: %s %s twice" % (where, parts[1], name))
                if key == "type":
                    if fam["samples"]:
                        raise ValueError("%s: TYPE of %s after its samples" % (where, name))
                    if len(parts) != 4 or parts[3] not in TYPES:
                        raise ValueError("%s: bad type %r" % (where, parts[3:]))
                    fam["type"] = parts[3]
                else:
                    fam["help"] = parts[3] if len(parts) == 4 else ""
            continue
        m = METRIC.match(line)
        if not m:
            raise ValueError("%s: bad metric name in %r" % (where, line[:80]))
        name = m.group(0)
        i = m.end()
        labels = {}
        if line[i:i + 1] == "{":
            labels, i = _labels(line, i, where)
        rest = line[i:]
        if not rest.startswith(" "):
            raise ValueError("%s: expected a space before the value" % where)
        fields = rest.split()
        if len(fields) not in (1, 2):
            raise ValueError("%s: expected value [timestamp], got %r" % (where, rest))
        value = _value(fields[0], where)
        if len(fields) == 2 and not re.fullmatch(r"-?\d+", fields[1]):
            raise ValueError("%s: bad timestamp %r" % (where, fields[1]))
        famname = _family_of(name, families)
        fam = families.setdefault(famname, {"type": None, "help": None, "samples": []})
        if famname in done or (current is not None and current != famname):
            if famname in done:
                raise ValueError("%s: %s lines interleaved with another family" % (where, famname))
            done.add(current)
        current = famname
        series = (name, tuple(sorted(labels.items())))
        if series in seen:
            raise ValueError("%s: series %s%s twice" % (where, name, labels))
        seen.add(series)
        if fam["type"] == "counter" and (value < 0 or math.isnan(value)):
            raise ValueError("%s: counter %s is %r" % (where, name, value))
        fam["samples"].append((name, labels, value))
    for famname, fam in families.items():
        if fam["type"] == "histogram":
            _check_histogram(famname, fam["samples"])
    return families


def _check_histogram(famname, samples):
    groups = {}
    for name, labels, value in samples:
        key = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
        g = groups.setdefault(key, {"buckets": [], "sum": None, "count": None})
        if name == famname + "_bucket":
            if "le" not in labels:
                raise ValueError("%s: a bucket without le" % famname)
            g["buckets"].append((_value(labels["le"], famname), value))
        elif name == famname + "_sum":
            g["sum"] = value
        elif name == famname + "_count":
            g["count"] = value
        else:
            raise ValueError("%s: unexpected series %s in a histogram" % (famname, name))
    for key, g in groups.items():
        bounds = [b for b, _ in g["buckets"]]
        counts = [c for _, c in g["buckets"]]
        if not bounds or bounds[-1] != math.inf:
            raise ValueError("%s%s: no le=\"+Inf\" bucket last" % (famname, key))
        if bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
            raise ValueError("%s%s: bucket bounds not increasing" % (famname, key))
        if counts != sorted(counts):
            raise ValueError("%s%s: bucket counts not cumulative" % (famname, key))
        if g["count"] is None or g["sum"] is None or g["count"] != counts[-1]:
            raise ValueError("%s%s: _count %r differs from the +Inf bucket %r (or _sum missing)"
                             % (famname, key, g["count"], counts[-1]))

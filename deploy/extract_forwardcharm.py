#!/usr/bin/env python3
"""deploy/extract_forwardcharm.py CODE_PY OUT_DIR [NAME...]

Regenerates the 20 text files of data/fluxes/split_light_charm_ForwardCharm/ from Code.py of
github.com/KlingFelix/ForwardCharm at commit 7e20b243d2b7ccc728d49ea4f28883b9da61ba4e, in the exact
format of the shared copies (see shared/data/fluxes/PROVENANCE.txt, section A3), so that their sha256
matches deploy/data-manifest.tsv. Used by deploy/install_data.sh when ../shared/data is absent.

Code.py is only parsed (ast.parse); the numbers are read with ast.literal_eval on the AST nodes of the
assignments self.nucharm['FASERv_<pid>_<G>'] = np.array(...), self.nulight['FASERv_<pid>_<G>'] =
np.array(...) and self.nu_xsecs = np.array(...). Nothing of Code.py is executed or imported.

Writes OUT_DIR/<name> for every file (or only the NAMEs given), each through a temporary file and a
rename. Exit status 0 when all requested files were written, 1 otherwise (reasons on stderr).
Standard library only.
"""

import ast
import os
import sys
import warnings

COMMIT = "7e20b243d2b7ccc728d49ea4f28883b9da61ba4e"
REPO = "KlingFelix/ForwardCharm"

# Generator letter in Code.py -> generator name in our file names (PROVENANCE.txt A3).
GENERATORS = {"P": "Pythia8", "S": "SIBYLL2.3", "D": "DPMJET3", "Q": "QGSJET2", "E": "EPOS-LHC"}
CHARM_FILES = [(pid, g) for pid in ("12", "14", "16") for g in ("P", "S", "D")]
LIGHT_FILES = [(pid, g) for pid in ("12", "14") for g in ("P", "S", "D", "Q", "E")]

FLUX_COLUMNS = ("# col1: E_nu bin centre [GeV] (log bins, 10/decade)  col2: neutrinos through detector per "
                "bin as cross section [pb] (x1.5e5 pb^-1 -> number for 150 fb^-1)  col3: CC interactions "
                "per bin in FASERnu for 150 fb^-1")
PARENTS = {"nucharm": ("charm", "charm hadron decays"),
           "nulight": ("light", "light hadron (pi,K,hyperon) decays")}
XSEC_NAME = "nu_xsecs_CC_per_nucleon.txt"
XSEC_HEADER = (
    "# used as: P_int = sigma * rho * L / m_nucleon (rho=19.3 g/cm3, L=100 cm for FASERnu) -> sigma is "
    "the CC cross section per nucleon [cm^2] (isoscalar/tungsten-like)\n"
    "# col1: E_nu [GeV]  col2: sigma_CC nu_e/nu_mu [cm^2]  col3: sigma_CC nubar_e/nubar_mu [cm^2]  "
    "col4: sigma_CC nu_tau [cm^2]  col5: sigma_CC nubar_tau [cm^2]\n")


class ExtractError(Exception):
    """Code.py does not hold an expected array in the expected shape."""


def np_array_argument(value):
    """The literal argument of a call np.array(<literal>) (AST node), else None."""
    if (isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords
            and isinstance(value.func, ast.Attribute) and value.func.attr == "array"):
        return value.args[0]
    return None


def self_attribute(node):
    """'x' for the AST of self.x, else None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


def assignment_key(target):
    """('nu_xsecs', None) for self.nu_xsecs, ('nucharm', 'FASERv_12_P') for self.nucharm['FASERv_12_P']."""
    name = self_attribute(target)
    if name is not None:
        return (name, None)
    if isinstance(target, ast.Subscript):
        name = self_attribute(target.value)
        index = target.slice
        if type(index).__name__ == "Index":  # Python < 3.9 wraps the subscript in ast.Index
            index = index.value
        if name is not None and isinstance(index, ast.Constant) and isinstance(index.value, str):
            return (name, index.value)
    return None


def literal_arrays(source):
    """Every self.X = np.array(lit) / self.X['k'] = np.array(lit) of the source: {(X, k or None): value}.

    A key assigned twice is recorded as None (ambiguous), so that it is reported, never guessed."""
    arrays = {}
    with warnings.catch_warnings():  # e.g. "invalid escape sequence" in Code.py's strings: harmless here
        warnings.simplefilter("ignore")
        tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        key = assignment_key(node.targets[0])
        argument = np_array_argument(node.value)
        if key is None or argument is None:
            continue
        try:
            value = ast.literal_eval(argument)
        except (ValueError, TypeError, RecursionError):
            continue  # not a plain literal: not one of ours
        arrays[key] = None if key in arrays else value
    return arrays


def columns(arrays, key, n_rows, expected_len=None):
    """The array as a list of n_rows equal-length rows of floats; ExtractError when absent or malformed."""
    label = "self.%s" % key[0] + ("" if key[1] is None else "['%s']" % key[1])
    if key not in arrays:
        raise ExtractError("%s not found in Code.py" % label)
    value = arrays[key]
    if value is None:
        raise ExtractError("%s is assigned more than once in Code.py" % label)
    if not isinstance(value, (list, tuple)) or len(value) != n_rows:
        raise ExtractError("%s: expected %d rows" % (label, n_rows))
    length = len(value[0]) if isinstance(value[0], (list, tuple)) else -1
    for row in value:
        if not isinstance(row, (list, tuple)) or len(row) != length or length < 1:
            raise ExtractError("%s: rows of unequal length" % label)
        if any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in row):
            raise ExtractError("%s: non-numeric entry" % label)
    if expected_len is not None and length != expected_len:
        raise ExtractError("%s: %d columns, expected %d" % (label, length, expected_len))
    return [[float(x) for x in row] for row in value]


def flux_text(arrays, attribute, pid, letter):
    """Contents of FASERv_<light|charm>_<pid>_<generator>.txt."""
    key = "FASERv_%s_%s" % (pid, letter)
    energy, flux_pb, cc_events = columns(arrays, (attribute, key), 3, 28)
    kind, parents = PARENTS[attribute]
    lines = [
        "# Extracted verbatim from %s Code.py, self.%s['%s'] (commit %s)\n" % (REPO, attribute, key, COMMIT),
        "# FASERnu (25x25 cm^2, 480 m), neutrinos from %s, generator %s; pid %s = nu+nubar combined\n"
        % (parents, GENERATORS[letter], pid),
        FLUX_COLUMNS + "\n",
    ]
    lines += ["%.6e %.8e %.8e\n" % row for row in zip(energy, flux_pb, cc_events)]
    return "".join(lines)


def xsec_text(arrays):
    """Contents of nu_xsecs_CC_per_nucleon.txt (5 rows in Code.py: E and four cross sections)."""
    rows = columns(arrays, ("nu_xsecs", None), 5)
    lines = ["# Extracted verbatim from %s Code.py, self.nu_xsecs (commit %s)\n" % (REPO, COMMIT), XSEC_HEADER]
    lines += ["%.6e %.6e %.6e %.6e %.6e\n" % row for row in zip(*rows)]
    return "".join(lines)


def file_builders():
    """{file name: function(arrays) -> text} for the 20 files."""
    builders = {}
    for attribute, pairs in (("nucharm", CHARM_FILES), ("nulight", LIGHT_FILES)):
        for pid, letter in pairs:
            name = "FASERv_%s_%s_%s.txt" % (PARENTS[attribute][0], pid, GENERATORS[letter])
            builders[name] = (lambda arrays, a=attribute, p=pid, g=letter: flux_text(arrays, a, p, g))
    builders[XSEC_NAME] = xsec_text
    return builders


def write_atomically(path, text):
    tmp = path + ".partial"
    with open(tmp, "w", encoding="ascii", newline="\n") as out:
        out.write(text)
    os.replace(tmp, path)


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        sys.stderr.write(__doc__)
        return 2
    code_py, out_dir, wanted = argv[1], argv[2], argv[3:]
    builders = file_builders()
    unknown = [name for name in wanted if name not in builders]
    if unknown:
        sys.stderr.write("extract_forwardcharm: unknown file(s): %s\n" % " ".join(unknown))
        return 2
    try:
        with open(code_py, encoding="utf-8") as src:
            arrays = literal_arrays(src.read())
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError) as err:
        sys.stderr.write("extract_forwardcharm: cannot parse %s: %s\n" % (code_py, err))
        return 1
    os.makedirs(out_dir, exist_ok=True)
    failures = 0
    for name in wanted or sorted(builders):
        try:
            write_atomically(os.path.join(out_dir, name), builders[name](arrays))
        except (ExtractError, OSError) as err:
            sys.stderr.write("extract_forwardcharm: %s: %s\n" % (name, err))
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/bin/bash
# Host test: every reStructuredText file of the project (the kernel pages
# under kernel/tree/) must parse with docutils without a single warning or
# error. Sphinx is not needed: the Sphinx-only directives and roles the
# kernel uses (kernel-doc, toctree, :c:func: ...) are registered as no-ops
# before parsing.
#
#   tests/docs/test-rst.sh [FILE...]    default: the .rst files under
#                                       Documentation/ and kernel/tree/
#
# Prints "ok FILE" or "not ok FILE: message" per file; exits 1 if any file
# is not ok, 2 if docutils is missing.
set -uo pipefail

# Files named on the command line are relative to the caller's directory.
files=()
for f in "$@"; do
	case $f in /*) files+=("$f") ;; *) files+=("$PWD/$f") ;; esac
done
cd "$(dirname "$0")/../.." || exit 2

if ! python3 -c 'import docutils' 2>/dev/null; then
	echo "not ok: python3 cannot import docutils (install python3-docutils)" >&2
	exit 2
fi

if [ ${#files[@]} = 0 ]; then
	mapfile -t files < <(find Documentation kernel/tree/Documentation -name '*.rst' | sort)
	if [ ${#files[@]} = 0 ]; then
		echo "not ok: no .rst files under kernel/tree/" >&2
		exit 1
	fi
fi

# The checker; run with python3 -c so that its arguments are the files.
read -r -d '' checker <<'PY'
import io
import sys

import docutils.core
import docutils.utils
from docutils.parsers.rst import Directive, directives, roles
from docutils import nodes


class NoOp(Directive):
    """Stands in for a Sphinx-only directive: accepts anything, emits nothing."""
    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = None  # set below: any option is accepted

    def run(self):
        return []


class AnyOptions(dict):
    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return directives.unchanged


NoOp.option_spec = AnyOptions()

for name in ("kernel-doc", "toctree", "c:function", "c:type", "c:struct",
             "c:macro", "c:namespace", "code-block"):
    directives.register_directive(name, NoOp)


def literal_role(name, rawtext, text, lineno, inliner, options=None,
                 content=None):
    return [nodes.literal(rawtext, text)], []


for name in ("c:func", "c:type", "c:macro", "c:member", "ref", "doc"):
    roles.register_local_role(name, literal_role)

settings = {
    "report_level": docutils.utils.Reporter.WARNING_LEVEL,
    "halt_level": docutils.utils.Reporter.WARNING_LEVEL,
    "warning_stream": io.StringIO(),
    "file_insertion_enabled": False,
    "raw_enabled": False,
    "traceback": True,
    "input_encoding": "utf-8",
}

# KTAP: one result per file.
print("KTAP version 1")
print(f"1..{len(sys.argv) - 1}")
failed = 0
for number, path in enumerate(sys.argv[1:], 1):
    try:
        with open(path, encoding="utf-8") as f:
            source = f.read()
        docutils.core.publish_doctree(source, source_path=path,
                                      settings_overrides=dict(settings))
    except docutils.utils.SystemMessage as e:
        failed += 1
        print(f"# {' '.join(str(e).split())}")
        print(f"not ok {number} {path}")
    except (OSError, UnicodeDecodeError) as e:
        failed += 1
        print(f"# {e}")
        print(f"not ok {number} {path}")
    else:
        print(f"ok {number} {path}")
sys.exit(1 if failed else 0)
PY

python3 -c "$checker" "${files[@]}"

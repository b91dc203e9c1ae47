#!/usr/bin/env bash
# Checks that the documents tell the truth about the code:  scripts/check-docs.sh PATH/TO/vigie
#   - every `vigie SUBCOMMAND` quoted in README.md and docs/*.md exists (`vigie SUBCOMMAND --help` exits 0),
#     and every --option quoted after it appears in that help; every `vigie-bench NAME` is listed by
#     `vigie-bench --help` and its quoted options appear in Sources/vigie-bench/;
#   - every path under docs/, cron/, web/, Sources/, Tests/, scripts/ that the documents name exists,
#     and every relative Markdown link or image resolves;
#   - every environment variable the documents name (VIGIE_*, MONGODB_URI) is read somewhere in the code;
#   - docs/rapport.md has its seven parts in order, and shows every PNG of docs/screenshots/;
#   - README.md opens with the two commands `make run` and `make test`.
# Prints what it checked; on a mismatch, prints DOCUMENT:LINE and the reason, and exits 1.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: scripts/check-docs.sh PATH/TO/vigie" >&2
    exit 2
fi
vigie=$1
if [ ! -x "$vigie" ]; then
    echo "check-docs: '$vigie' is not an executable vigie binary (build it first: swift build)" >&2
    exit 2
fi
root=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
command -v python3 >/dev/null 2>&1 || { echo "check-docs: python3 is needed (apt-get install python3)" >&2; exit 2; }

exec python3 - "$root" "$vigie" <<'PYTHON'
import glob
import os
import re
import subprocess
import sys

root, vigie = sys.argv[1], os.path.abspath(sys.argv[2])
bench = os.path.join(os.path.dirname(vigie), "vigie-bench")
os.chdir(root)

documents = ["README.md"] + sorted(glob.glob("docs/*.md"))
failures = []
checked = {"commands": set(), "options": 0, "bench": set(), "paths": set(), "links": 0, "env": set()}


def fail(document, line, reason):
    failures.append(f"{document}:{line}: {reason}")


def code_spans(text):
    """Inline code spans and fenced code blocks, as (line number, code) pairs."""
    spans, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            # A shell or crontab comment is prose, not a command.
            spans.append((number, re.sub(r"(^|\s)#.*$", "", line)))
        else:
            spans.extend((number, match) for match in re.findall(r"`([^`]+)`", line))
    return spans


help_cache = {}


def bench_sources():
    text = ""
    for path in glob.glob("Sources/vigie-bench/*.swift"):
        with open(path, encoding="utf-8") as f:
            text += f.read()
    return text


def help_text(program, words):
    key = (program, tuple(words))
    if key not in help_cache:
        try:
            done = subprocess.run([program, *words, "--help"], capture_output=True, text=True, timeout=20)
            help_cache[key] = (done.returncode, done.stdout + done.stderr)
        except (OSError, subprocess.TimeoutExpired) as error:
            help_cache[key] = (-1, str(error))
    return help_cache[key]


COMMAND = re.compile(r"(?<![\w.-])(vigie|vigie-bench) ([a-z][a-z0-9-]*)((?: +[^\s|;&#`]+)*)")


def check_commands(document, text):
    for number, code in code_spans(text):
        for program, name, rest in COMMAND.findall(code):
            if program == "vigie":
                status, output = help_text(vigie, [name])
                checked["commands"].add(name)
                if status != 0:
                    fail(document, number, f"`vigie {name}` is quoted but `vigie {name} --help` exits {status}: "
                                           f"no such command in this build")
                    continue
            else:
                # `vigie-bench NAME --help` would run some benchmarks in full: check the name against the
                # list `vigie-bench --help` prints, and options against the benchmarks' sources.
                checked["bench"].add(name)
                if not os.access(bench, os.X_OK):
                    fail(document, number, f"`vigie-bench {name}` is quoted but {bench} is not built (swift build)")
                    continue
                status, listing = help_text(bench, [])
                if name != "all" and not re.search(rf"^\s+{re.escape(name)}\s", listing, re.M):
                    fail(document, number, f"`vigie-bench {name}` is quoted but `vigie-bench --help` does not list it")
                    continue
                output = bench_sources()
            for option in re.findall(r"(?<!\S)(--[a-z][a-z0-9-]*)", rest):
                checked["options"] += 1
                if option != "--help" and option not in output:
                    where = f"`vigie {name} --help`" if program == "vigie" else "Sources/vigie-bench/"
                    fail(document, number, f"`{program} {name} {option}`: {option} is not in {where}")


PATH = re.compile(r"(?<![\w/.~-])((?:docs|cron|web|Sources|Tests|scripts)/[A-Za-z0-9_./-]*)")


def check_paths(document, text):
    for number, line in enumerate(text.splitlines(), 1):
        for raw in PATH.findall(line):
            path = raw.rstrip(".,;:'")
            if not path or any(mark in line[line.find(raw):line.find(raw) + len(raw) + 1] for mark in "<*{$"):
                continue
            checked["paths"].add(path)
            if not os.path.exists(path):
                fail(document, number, f"path {path} does not exist")
        for target in re.findall(r"\]\(([^)\s]+)\)", line):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue
            checked["links"] += 1
            resolved = os.path.normpath(os.path.join(os.path.dirname(document), target.split("#")[0]))
            if not os.path.exists(resolved):
                fail(document, number, f"link target {target} (resolved {resolved}) does not exist")


def check_environment(document, text):
    code = ""
    for pattern in ("Sources/**/*.swift", "cron/*", "Makefile", "scripts/*.sh", "Tests/**/*.py"):
        for path in glob.glob(pattern, recursive=True):
            if os.path.isfile(path) and not path.endswith("check-docs.sh"):
                with open(path, encoding="utf-8", errors="replace") as f:
                    code += f.read()
    for number, line in enumerate(text.splitlines(), 1):
        for name in re.findall(r"\b(VIGIE_[A-Z_]+|MONGODB_URI)\b", line):
            probe = "VIGIE_URL_" if name.startswith("VIGIE_URL_") else name
            checked["env"].add(name)
            if probe not in code:
                fail(document, number, f"environment variable {name} is not read anywhere in Sources/, cron/, Makefile")


RAPPORT_PARTS = ["Problématique", "Sources de données", "Modèle de données", "Tâches cron", "Tableau de bord",
                 "Captures d'écran", "Limites et pistes"]


def check_rapport():
    document = "docs/rapport.md"
    if not os.path.exists(document):
        fail(document, 0, "missing")
        return
    with open(document, encoding="utf-8") as f:
        lines = f.read().splitlines()
    parts = [(n, l) for n, l in enumerate(lines, 1) if re.match(r"^## \d+\. ", l)]
    titles = [re.sub(r"^## \d+\. ", "", l) for _, l in parts]
    for index, expected in enumerate(RAPPORT_PARTS):
        if index >= len(parts):
            fail(document, len(lines), f"part {index + 1} '{expected}' is missing (found {len(parts)} numbered parts)")
            continue
        number, line = parts[index]
        if not line.startswith(f"## {index + 1}. ") or not titles[index].startswith(expected):
            fail(document, number, f"part {index + 1} should be '## {index + 1}. {expected}…', found '{line}'")
    if len(parts) > len(RAPPORT_PARTS):
        fail(document, parts[len(RAPPORT_PARTS)][0], f"unexpected part after the seven: '{parts[len(RAPPORT_PARTS)][1]}'")
    text = "\n".join(lines)
    for png in sorted(glob.glob("docs/screenshots/*.png")):
        if f"screenshots/{os.path.basename(png)}" not in text:
            fail(document, 0, f"{png} exists but the report does not show it (part 6)")


def check_readme():
    with open("README.md", encoding="utf-8") as f:
        lines = [l.strip() for l in f.read().splitlines()]
    commands = [l for l in lines if l and not l.startswith("#") and not l.startswith("```")][:2]
    words = [c.split("#")[0].strip() for c in commands]
    if words != ["make run", "make test"]:
        fail("README.md", 1, f"must open with the two commands `make run` and `make test`, found {commands}")


for document in documents:
    with open(document, encoding="utf-8") as f:
        text = f.read()
    check_commands(document, text)
    check_paths(document, text)
    check_environment(document, text)
check_rapport()
check_readme()

print(f"check-docs: {len(documents)} documents: {', '.join(documents)}")
print(f"check-docs: vigie subcommands ({vigie}): {', '.join(sorted(checked['commands'])) or 'none'}; "
      f"{checked['options']} options checked against --help")
print(f"check-docs: vigie-bench benchmarks: {', '.join(sorted(checked['bench'])) or 'none'}")
print(f"check-docs: {len(checked['paths'])} paths, {checked['links']} relative links, "
      f"{len(checked['env'])} environment variables ({', '.join(sorted(checked['env']))})")
print("check-docs: docs/rapport.md parts 1-7 in order; every docs/screenshots/*.png shown; README opens with make run / make test")
if failures:
    print(f"check-docs: FAILED, {len(failures)} mismatch(es):", file=sys.stderr)
    for failure in failures:
        print("  " + failure, file=sys.stderr)
    sys.exit(1)
print("check-docs: ok")
PYTHON

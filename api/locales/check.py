#!/usr/bin/env python3
"""Checks the portal's Fluent files (api/locales/{en,lv}/*.ftl).

- every file parses with fluent.syntax, without Junk;
- en/ and lv/ hold the same files, each with the same messages and terms (and attributes);
- a message uses the same variables in both languages;
- no id is defined twice in a language (the portal loads each language as one bundle);
- message and term references resolve within the language;
- plural selectors on a variable use only the CLDR categories of the language
  (en: one, other; lv: zero, one, other) or numbers;
- errors.ftl has a code-<CODE> for every extensions.code, and its messages use only the
  variables the portal passes (see the header of en/errors.ftl).

With --sources, also checks that every refusal reason found in the Rust sources of the
workspace has a reason-<REASON> message (a heuristic scan; see REASON_PATTERNS).

Needs `pip install fluent.syntax`. Exits 1 and prints every problem found, else prints a
summary and exits 0.

    python3 api/locales/check.py [--sources]
"""

import os
import re
import sys

try:
    from fluent.syntax import parse, ast
    from fluent.syntax.visitor import Visitor
except ImportError:  # pragma: no cover
    print("check.py: the Python package fluent.syntax is missing; run: pip install fluent.syntax")
    sys.exit(1)

HERE = os.path.dirname(os.path.abspath(__file__))
LANGS = ("en", "lv")
PLURAL_CATEGORIES = {"en": {"one", "other"}, "lv": {"zero", "one", "other"}}

# extensions.code values of the API (api/src/graphql/errors.rs).
CODES = {
    "VALIDATION", "NOT_FOUND", "EXPIRED", "REJECTED", "FORBIDDEN", "UNAUTHENTICATED",
    "CONFLICT", "THROTTLED", "MAIL_FAILED", "UNAVAILABLE", "INTERNAL",
}
# The only variables the portal passes to reason-/code- messages; every other such message
# gets none.
ERROR_VARIABLES = {
    "reason-START_TOO_FAR_AHEAD": {"earliest", "start"},
    "reason-USER_LIMIT_REACHED": {"limit"},
    "reason-THROTTLED": {"seconds"},
    "code-THROTTLED": {"seconds"},
    "code-INTERNAL": {"reference"},
}

problems = []


def problem(text):
    problems.append(text)


class Uses(Visitor):
    """Variables, message references and term references used in an entry."""

    def __init__(self):
        super().__init__()
        self.variables = set()
        self.messages = set()
        self.terms = set()
        self.selects = []

    def visit_VariableReference(self, node):
        self.variables.add(node.id.name)
        self.generic_visit(node)

    def visit_MessageReference(self, node):
        self.messages.add(node.id.name)
        self.generic_visit(node)

    def visit_TermReference(self, node):
        self.terms.add(node.id.name)
        self.generic_visit(node)

    def visit_SelectExpression(self, node):
        self.selects.append(node)
        self.generic_visit(node)


def load(lang, name):
    """{id: entry} of one file ('-' before term ids); Junk is reported."""
    path = os.path.join(HERE, lang, name)
    rel = f"{lang}/{name}"
    with open(path, encoding="utf-8") as f:
        text = f.read()
    resource = parse(text, with_spans=True)
    entries = {}
    for entry in resource.body:
        if isinstance(entry, ast.Junk):
            line = text.count("\n", 0, entry.span.start) + 1 if entry.span else "?"
            notes = "; ".join(a.message for a in entry.annotations) or "unparsable"
            problem(f"{rel}:{line}: does not parse ({notes}): {entry.content.strip()[:80]!r}")
        elif isinstance(entry, (ast.Message, ast.Term)):
            key = ("-" if isinstance(entry, ast.Term) else "") + entry.id.name
            if key in entries:
                problem(f"{rel}: {key} is defined twice")
            entries[key] = entry
    return entries


def uses(entry):
    visitor = Uses()
    visitor.visit(entry)
    return visitor


def check_plurals(lang, rel, key, visitor):
    for select in visitor.selects:
        if not isinstance(select.selector, ast.VariableReference):
            continue
        for variant in select.variants:
            if isinstance(variant.key, ast.NumberLiteral):
                continue
            if variant.key.name not in PLURAL_CATEGORIES[lang]:
                problem(
                    f"{rel}: {key}: variant [{variant.key.name}] on ${select.selector.id.name} "
                    f"is not a plural category of {lang} ({', '.join(sorted(PLURAL_CATEGORIES[lang]))})"
                )


def rust_reasons(root):
    """Refusal reasons that the Rust sources of the workspace create (heuristic)."""
    found = set()
    literal = r'"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)"'
    patterns = [
        # Refusal::validation(field, "REASON", …) and the other constructors
        re.compile(r"(?:Refusal|Self)::(?:validation|rejected|not_found|expired|forbidden)\(\s*[^,()]*?,?\s*" + literal, re.S),
        # CommandError::Unauthenticated { reason: "REASON", … }
        re.compile(r"reason:\s*" + literal),
        # extensions.set("reason", "REASON"), document_refusal(ctx, "REASON", …), weak("REASON", …)
        re.compile(r'set\("reason",\s*' + literal + r"\)"),
        re.compile(r"document_refusal\(\s*ctx,\s*" + literal),
        re.compile(r"weak\(\s*" + literal),
        # ("REASON", "a message") pairs of the authorization rules
        re.compile(r"(?<![\w:])\(\s*" + literal + r',\s*"[A-Za-z]'),
        # Choice::parse(input, LIST, "field.path", "REASON")
        re.compile(r"Choice::parse\([^;]*?" + literal + r",?\s*\)", re.S),
        # const REASON: &str = "INVALID_X"; const SESSION_NOT_PROVEN: &str = "SESSION_NOT_PROVEN";
        re.compile(r"const\s+\w*REASON\w*\s*:\s*&(?:'static\s+)?str\s*=\s*" + literal),
        # images' ImageError::code
        re.compile(r"ImageError::\w+(?:\s*\{\s*\.\.\s*\})?\s*=>\s*" + literal),
    ]
    # pub const SESSION_NOT_PROVEN: &str = "SESSION_NOT_PROVEN";
    named = re.compile(r"const\s+([A-Z][A-Z0-9_]*)\s*:\s*&(?:'static\s+)?str\s*=\s*\"\1\";")
    # let reason = if … { "A" } else { "B" };
    chosen = re.compile(r"let reason = (if .*?;)", re.S)
    for crate in ("domain", "commands", "api", "eventstore", "images"):
        for dirpath, _, files in os.walk(os.path.join(root, crate, "src")):
            for name in files:
                if not name.endswith(".rs") or name == "tests.rs":
                    continue
                with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                    text = f.read()
                text = text.split("\n#[cfg(test)]\nmod tests {")[0]
                for pattern in patterns:
                    found.update(pattern.findall(text))
                found.update(named.findall(text))
                for expression in chosen.findall(text):
                    found.update(re.findall(literal, expression))
    return found


def main():
    files = {
        lang: sorted(n for n in os.listdir(os.path.join(HERE, lang)) if n.endswith(".ftl"))
        for lang in LANGS
    }
    for name in sorted(set(files["en"]) ^ set(files["lv"])):
        have = "en" if name in files["en"] else "lv"
        problem(f"{have}/{name} has no counterpart in {'lv' if have == 'en' else 'en'}/")

    all_ids = {lang: {} for lang in LANGS}  # id -> file, per language
    per_file = {}
    for lang in LANGS:
        for name in files[lang]:
            entries = load(lang, name)
            per_file[(lang, name)] = entries
            for key in entries:
                if key in all_ids[lang]:
                    problem(f"{lang}: {key} is defined in both {all_ids[lang][key]} and {name}")
                all_ids[lang][key] = name

    for name in sorted(set(files["en"]) & set(files["lv"])):
        en, lv = per_file.get(("en", name)), per_file.get(("lv", name))
        if en is None or lv is None:
            continue
        for key in sorted(set(en) - set(lv)):
            problem(f"{name}: {key} is in en/ but not in lv/")
        for key in sorted(set(lv) - set(en)):
            problem(f"{name}: {key} is in lv/ but not in en/")
        for key in sorted(set(en) & set(lv)):
            a, b = en[key], lv[key]
            if (a.value is None) != (b.value is None):
                problem(f"{name}: {key} has a value in only one language")
            attrs_a = {x.id.name for x in a.attributes}
            attrs_b = {x.id.name for x in b.attributes}
            if attrs_a != attrs_b:
                problem(f"{name}: {key} has attributes {sorted(attrs_a)} in en, {sorted(attrs_b)} in lv")
            ua, ub = uses(a), uses(b)
            if ua.variables != ub.variables:
                problem(
                    f"{name}: {key} uses variables {sorted(ua.variables)} in en, "
                    f"{sorted(ub.variables)} in lv"
                )

    for (lang, name), entries in per_file.items():
        for key, entry in entries.items():
            u = uses(entry)
            check_plurals(lang, f"{lang}/{name}", key, u)
            if key.startswith(("reason-", "code-")):
                allowed = ERROR_VARIABLES.get(key, set())
                extra = u.variables - allowed
                if extra:
                    problem(
                        f"{lang}/{name}: {key} uses {sorted(extra)}, which the portal does "
                        f"not pass (allowed: {sorted(allowed) or 'none'})"
                    )
                if not allowed <= u.variables:
                    problem(f"{lang}/{name}: {key} does not use {sorted(allowed - u.variables)}")
            for ref in sorted(u.messages - set(all_ids[lang])):
                problem(f"{lang}/{name}: {key} refers to the unknown message {ref}")
            for ref in sorted(u.terms - {k[1:] for k in all_ids[lang] if k.startswith("-")}):
                problem(f"{lang}/{name}: {key} refers to the unknown term -{ref}")

    if "errors.ftl" in files["en"]:
        for code in sorted(CODES):
            for lang in LANGS:
                if f"code-{code}" not in all_ids[lang]:
                    problem(f"{lang}/errors.ftl: code-{code} is missing")

    if "--sources" in sys.argv[1:]:
        root = os.path.dirname(os.path.dirname(HERE))
        for reason in sorted(rust_reasons(root)):
            for lang in LANGS:
                if f"reason-{reason}" not in all_ids[lang]:
                    problem(f"{lang}: reason-{reason} is missing (the reason is in the Rust sources)")

    if problems:
        for p in problems:
            print(p)
        print(f"check.py: {len(problems)} problem(s)")
        return 1
    counts = ", ".join(f"{lang}: {len(all_ids[lang])} ids in {len(files[lang])} file(s)" for lang in LANGS)
    print(f"check.py: Fluent files OK ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

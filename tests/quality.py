"""Offline quality checks for reader pages: axe-core (WCAG 2.1 AA) and the Nu Html Checker.

Both checkers come from npm (package.json pins them; `npm ci` or `make install`
puts them in node_modules/), and vnu.jar runs on Java (`apt-get install
default-jre-headless`). Without them the checks are skipped with that hint,
unless NEWSROOM_REQUIRE_BROWSER=1 (as in CI), where they fail.

    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    errors = nu_errors(html)
    assert errors == [], "\\n".join(errors)
"""

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
MAX_NODES = 5  # per violation, in what axe_violations returns
MAX_HTML = 200  # characters of a node's HTML or a Nu extract


def _missing(message: str):
    if os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def require_axe() -> None:
    if not AXE_JS.is_file():
        _missing(
            f"axe-core is not installed ({AXE_JS.relative_to(ROOT)} is missing): "
            "run `npm ci` or `make install`."
        )


def require_vnu() -> str:
    """The `java` command, once vnu.jar and Java are both there."""
    if not VNU_JAR.is_file():
        _missing(
            f"The Nu Html Checker is not installed ({VNU_JAR.relative_to(ROOT)} is missing): "
            "run `npm ci` or `make install`."
        )
    java = shutil.which("java")
    if not java:
        _missing("Java is not installed, so vnu.jar cannot run: `apt-get install default-jre-headless`.")
    return java


def _cut(text: str | None, limit: int = MAX_HTML) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- axe-core ---------------------------------------------------------------

_RUN_AXE = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
    }));
}"""


def axe_violations(page, tags=WCAG_TAGS) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe-core finds in the page as it is now.

    Each is {"id", "impact", "help", "nodes": [{"target", "html", "summary"}]},
    with at most MAX_NODES nodes (then "more_nodes": N) and HTML cut short.
    """
    require_axe()
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
        # does not govern (a <script> tag added to the page would be refused by it).
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            raise RuntimeError(
                "axe-core did not load into the page; a Content-Security-Policy that blocks inline "
                "scripts needs the browser context created with bypass_csp=True."
            )
    # A colour scheme just switched starts the buttons' colour transitions; on a busy machine
    # axe could measure a colour halfway (CI runs two suites at once). Measure the settled page.
    page.evaluate("Promise.allSettled(document.getAnimations().map((animation) => animation.finished))")
    violations = []
    for v in page.evaluate(_RUN_AXE, list(tags)):
        nodes = [
            {
                "target": " ".join(str(t) for t in n["target"]),
                "html": _cut(n["html"]),
                "summary": _cut("; ".join(line.strip() for line in (n["summary"] or "").splitlines()), 300),
            }
            for n in v["nodes"]
        ]
        entry = {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": nodes[:MAX_NODES]}
        if len(nodes) > MAX_NODES:
            entry["more_nodes"] = len(nodes) - MAX_NODES
        violations.append(entry)
    return violations


def format_violations(violations: list[dict]) -> str:
    """axe violations as a few readable lines, for an assertion message."""
    lines = [f"{len(violations)} axe-core violation(s):"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']}")
        for n in v["nodes"]:
            lines.append(f"    at {n['target']}: {n['html']}")
            if n.get("summary"):
                lines.append(f"       {n['summary']}")
        if v.get("more_nodes"):
            lines.append(f"    … and {v['more_nodes']} more element(s)")
    return "\n".join(lines)


# --- the Nu Html Checker ----------------------------------------------------


def _nu_message(m: dict) -> str:
    line = m.get("lastLine", m.get("firstLine", "?"))
    col = m.get("firstColumn", m.get("lastColumn", "?"))
    text = f"{line}:{col} {m.get('message', '').strip()}"
    if m.get("extract"):
        text += f" ({_cut(m['extract'])!r})"
    return text


def nu_errors_many(docs: Mapping[str, str]) -> dict[str, list[str]]:
    """Check several HTML documents with one run of vnu.jar (the JVM takes a second to start).

    Returns each document's errors as "line:col message ('extract')" strings.
    """
    java = require_vnu()
    if not docs:
        return {}
    names = list(docs)
    results: dict[str, list[str]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="newsroom-vnu-") as tmp:
        files = {}
        for i, name in enumerate(names):
            path = Path(tmp) / f"doc{i}.html"
            path.write_text(docs[name], encoding="utf-8")
            files[path.name] = name
        command = [java, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--stdout"]
        proc = subprocess.run(  # noqa: S603 (our own java and jar, files we just wrote)
            [*command, *(str(Path(tmp) / f) for f in files)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise RuntimeError(
                f"vnu.jar gave no JSON report (exit {proc.returncode}):\n"
                f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
            ) from None
    messages = sorted(
        report.get("messages", []), key=lambda m: (m.get("lastLine", 0), m.get("firstColumn", 0))
    )
    for m in messages:
        if m.get("type") == "info":  # warnings; --errors-only leaves none
            continue
        name = files.get(Path(unquote(urlparse(m.get("url", "")).path)).name)
        if name is None:  # not about one document: vnu itself could not work
            raise RuntimeError(f"vnu.jar: {m}")
        prefix = "" if m.get("type") == "error" else f"[{m.get('type')}] "
        results[name].append(prefix + _nu_message(m))
    return results


def nu_errors(html: str) -> list[str]:
    """The Nu Html Checker's errors in one HTML document."""
    return nu_errors_many({"document": html})["document"]

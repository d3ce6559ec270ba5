"""`python -m bench.lighthouse` (`make lighthouse`) — Lighthouse scores of the main pages
as a signed-in employee, mobile and desktop presets.

Builds (or reuses) the embedded demo database, serves it with gunicorn, opens a session
for the plain employee (`manage.py signed_in_session`) and runs Lighthouse (npm, pinned
in package.json) in headless Chromium on home, a community, a post, people and search.
Prints a table and writes bench/results/lighthouse.json. Needs `npm ci` and Chromium
(RSE_CHROMIUM, /usr/bin/chromium by default).
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from .runner import ROOT, Server

PYTHON = sys.executable
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("RSE_CHROMIUM", "/usr/bin/chromium")
ACCOUNT = "nina.durand@example.com"
CATEGORIES = ("performance", "accessibility", "best-practices")
RESULT = ROOT / "bench" / "results" / "lighthouse.json"


def manage(*args: str, env: dict) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def pages(env: dict) -> dict[str, str]:
    """The pages measured: a community the employee belongs to, a post of it with images
    or comments, the people directory and a search."""
    code = (
        "from posts.models import Post;"
        "p = Post.objects.filter(community__slug='lean-network', status='published')"
        ".order_by('-comments_count', '-pk').first();"
        "print(p.pk)"
    )
    post = manage("shell", "-c", code, env=env).splitlines()[-1]
    return {
        "home": "/",
        "community": "/communities/lean-network/",
        "post": f"/posts/{post}/",
        "people": "/people/",
        "search": "/search/?q=lean",
    }


def run_lighthouse(url: str, cookie: str, preset: str, out: Path) -> dict[str, int]:
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
        "--max-wait-for-load=60000",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(out.read_text())
    return {name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=str(ROOT / "db.sqlite3"), help="SQLite file")
    parser.add_argument("--only", default="", help="comma-separated pages (default: all)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is missing: run `npm ci` (make frontend).")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{args.database}",
        "RSE_PRODUCTION": "false",
        "DEBUG": "false",
    }
    env.pop("REDIS_URL", None)
    manage("migrate", "--no-input", env=env)
    manage("seed_demo", env=env)
    cookie = manage("signed_in_session", ACCOUNT, env=env).splitlines()[-1]
    server = Server(env, workers=2)
    results: dict[str, dict[str, dict[str, int]]] = {}
    try:
        server.wait()
        wanted = [p for p in args.only.split(",") if p]
        scratch = ROOT / "bench" / "results" / "tmp"
        scratch.mkdir(parents=True, exist_ok=True)
        for name, path in pages(env).items():
            if wanted and name not in wanted:
                continue
            for preset in ("mobile", "desktop"):
                scores = run_lighthouse(
                    server.base + path, cookie, preset, scratch / f"lh-{name}-{preset}.json"
                )
                results.setdefault(name, {})[preset] = scores
                print(name, preset, scores, flush=True)
    finally:
        server.stop()
    RESULT.write_text(json.dumps(results, indent=2) + "\n")
    print("\n| Page | Preset | Performance | Accessibility | Best practices |")
    print("| --- | --- | --- | --- | --- |")
    for name, presets in results.items():
        for preset, scores in presets.items():
            print(
                f"| {name} | {preset} | {scores['performance']} | {scores['accessibility']} "
                f"| {scores['best-practices']} |"
            )


if __name__ == "__main__":
    main()
